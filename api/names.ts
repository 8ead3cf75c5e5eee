// Names: which strings the apiserver accepts as object names, label keys and label values
// =======================================================================================
// CONCEPT   Every name in Kubernetes ends up somewhere picky: in DNS (a Service name becomes
//           besu.default.svc), in a URL path, in a file name on a node. So the apiserver checks
//           names against a few small grammars borrowed from the DNS RFCs, and returns a list of
//           human-readable complaints instead of a yes/no, so kubectl can print all of them.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go,
//           pkg/api/validate/content/kube.go, pkg/api/validation/generic.go,
//           apiserver/pkg/storage/names/generate.go, pkg/util/rand/rand.go (v1.32)
// SHIPS     The harbour master refuses a ship name that will not fit on the radio call sign board.
// EXAMPLE   isDNS1123Label("Besu_0")  =>  ["a lowercase RFC 1123 label must consist of ..."]
//           isDNS1123Label("besu-0")  =>  []
// SKIPPED   the underscore-tolerant and wildcard variants, IP/port/percent validators

/** The messages are built from these three helpers, exactly as in validation.go, so a student can
 * grep Kubernetes for any message this simulator prints. */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** "must be non-empty", prefixed by callers with the part that was empty. */
export function emptyError(): string {
  return 'must be non-empty';
}

/**
 * Kubernetes' RegexError: the rule in words, then examples, then the regex itself.
 * @example regexError("a DNS-1035 label must ...", "[a-z]...", "my-name")
 *   => "a DNS-1035 label must ... (e.g. 'my-name', regex used for validation is '[a-z]...')"
 */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  // Each example carries its own trailing comma and space, so Kubernetes really prints
  // "(e.g. 'MyName',  or 'my.name', ..." with two spaces before "or". We keep that, byte for byte.
  const shown = examples.map((e) => `'${e}', `).join(' or ');
  return `${msg} (e.g. ${shown}regex used for validation is '${fmt}')`;
}

/**
 * field.Invalid's message shape, used by every validator that reports on a named field.
 * An empty path gives the bare body, as a Status cause's message carries it.
 * @example invalidValue("metadata.name", "Besu", "must be lower case")
 *   => 'metadata.name: Invalid value: "Besu": must be lower case'
 */
export function invalidValue(path: string, value: unknown, detail: string): string {
  const body = `Invalid value: ${JSON.stringify(value)}: ${detail}`;
  return path ? `${path}: ${body}` : body;
}

// Go measures strings in bytes, JavaScript in UTF-16 units. The regexes below reject every
// non-ASCII character anyway, but we count bytes so the "too long" message appears exactly when
// Kubernetes would print it.
function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

// ## DNS names: the grammars behind object names

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelErrMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1035LabelErrMsg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";

const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1035LabelRe = new RegExp(`^${dns1035LabelFmt}$`);

/**
 * IsDNS1123Subdomain: at most 253 characters of dot-separated lowercase labels.
 * This is what most object names must be (pods, deployments, configmaps, nodes).
 * @returns Kubernetes' error messages; an empty array means valid.
 */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!dns1123SubdomainRe.test(value)) {
    errs.push(regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, 'example.com'));
  }
  return errs;
}

/**
 * IsDNS1123Label: one DNS label, at most 63 characters, no dots. Namespaces must be one, because
 * the namespace becomes a single label inside Service DNS names (besu.<namespace>.svc).
 * @returns Kubernetes' error messages; an empty array means valid.
 */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!dns1123LabelRe.test(value)) {
    // A valid subdomain that is not a valid label can only differ by its dots, so Kubernetes
    // says exactly that instead of reciting the whole rule.
    if (dns1123SubdomainRe.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(dns1123LabelErrMsg, dns1123LabelFmt, 'my-name', '123-abc'));
  }
  return errs;
}

/**
 * IsDNS1035Label: like a DNS-1123 label but must start with a letter. Service names use this
 * older rule, because some DNS resolvers still choke on names that begin with a digit.
 */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!dns1035LabelRe.test(value)) {
    errs.push(regexError(dns1035LabelErrMsg, dns1035LabelFmt, 'my-name', 'abc-123'));
  }
  return errs;
}

// ## generateName prefixes
//
// With `generateName: besu-` the apiserver validates the prefix before it adds 5 random
// characters. A trailing dash is fine there (the suffix will follow it), so Kubernetes replaces
// the last two characters with a single "a" before checking ("besu-" is checked as "besa"):
// maskTrailingDash. It looks odd, but it is the rule, and we copy it rather than improve it.
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

/**
 * NameIsDNSSubdomain, the ValidateNameFunc for most kinds.
 * @param prefix true when validating `metadata.generateName` rather than `metadata.name`.
 */
export function nameIsDNSSubdomain(name: string, prefix = false): string[] {
  return isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
}

/** NameIsDNSLabel, the ValidateNameFunc for namespaces. */
export function nameIsDNSLabel(name: string, prefix = false): string[] {
  return isDNS1123Label(prefix ? maskTrailingDash(name) : name);
}

// ## Qualified names: label keys, annotation keys, finalizers
//
// A qualified name is an optional DNS-subdomain prefix, a slash, and a short name that may use
// upper case and underscores: `app`, `app.kubernetes.io/name`, `kubernetes.io/hostname`.

const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedNameRe = new RegExp(`^${qualifiedNameFmt}$`);
const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelValueRe = new RegExp(`^${labelValueFmt}$`);

/**
 * IsQualifiedName (renamed content.IsLabelKey in v1.34): `[prefix/]name`, where the prefix is a
 * DNS-1123 subdomain and the name is at most 63 characters of `[-A-Za-z0-9_.]`, starting and
 * ending alphanumeric.
 * @returns Kubernetes' error messages; an empty array means valid.
 */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    // Two slashes: we cannot tell prefix from name, so Kubernetes describes the whole shape.
    return [
      `a qualified name ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLength(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  // An empty name fails the regex too, and Kubernetes reports both; so do we.
  if (!qualifiedNameRe.test(name)) {
    errs.push(`name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

/**
 * IsValidLabelValue: empty, or at most 63 characters shaped like a qualified name without prefix.
 * @returns Kubernetes' error messages; an empty array means valid.
 */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!labelValueRe.test(value)) {
    errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

// ## Generated names
//
// The alphabet has no vowels, so random suffixes cannot spell words, and no 0, 1 or 3, which
// are easy to misread as o, l and e. It is 27 characters long, so 5 of them give ~14 million names.

/** The characters Kubernetes draws name suffixes from (k8s.io/apimachinery/pkg/util/rand). */
export const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * Five random characters, as appended to `metadata.generateName` (e.g. "besu-" + "x7k2q").
 * @param random a source of numbers in [0, 1); tests pass a seeded one.
 * @default random Math.random
 */
export function generateNameSuffix(random: () => number = Math.random): string {
  let out = '';
  for (let i = 0; i < 5; i++) {
    out += NAME_SUFFIX_ALPHABET[Math.floor(random() * NAME_SUFFIX_ALPHABET.length)];
  }
  return out;
}

/**
 * SimpleNameGenerator.GenerateName: the base, cut to 58 characters so the result still fits the
 * 63-character label limit, plus the 5-character suffix. The apiserver calls this when an object
 * arrives with generateName and no name; it retries on the rare collision.
 * @example generateName("besu-") => "besu-x7k2q"
 */
export function generateName(base: string, random: () => number = Math.random): string {
  return base.slice(0, 63 - 5) + generateNameSuffix(random);
}
