// The label selector parser: from "app=besu,env in (prod)" to requirements
// =========================================================================
// CONCEPT   `kubectl get pods -l 'app=besu,env in (prod, dev),!canary'` sends that string as
//           ?labelSelector=. The apiserver reads it with a small lexer (characters to tokens)
//           and a recursive-descent parser (tokens to requirements), both copied here in shape.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/labels/selector.go (Lexer, Parser, parse) (v1.32)
// SHIPS     The harbour master reading a handwritten loading order, word by word.
// EXAMPLE   "x in (a,b), !y"  =>  tokens  x  in  (  a  ,  b  )  ,  !  y  <end>
//                            =>  [{ x in [a,b] }, { y ! [] }]
// SKIPPED   nothing of the grammar; messages add a position, which Kubernetes' do not
//
// The grammar, from the Kubernetes source:
//
//   <selector-syntax>         ::= <requirement> | <requirement> "," <selector-syntax>
//   <requirement>             ::= [!] KEY [ <set-based-restriction> | <exact-match-restriction> ]
//   <set-based-restriction>   ::= "" | <inclusion-exclusion> <value-set>
//   <inclusion-exclusion>     ::= "in" | "notin"
//   <value-set>               ::= "(" <values> ")"
//   <values>                  ::= VALUE | VALUE "," <values>
//   <exact-match-restriction> ::= ["=" | "==" | "!=" | ">" | "<"] VALUE

import { newRequirement, SelectorError, type Requirement, type SelectorOperator } from './label-requirement.ts';
import { invalidValue, isQualifiedName } from './names.ts';

// ## The lexer
//
// Seven characters are special (= ! ( ) , > <); whitespace separates; every other run of
// characters is an identifier, which is how keys like "app.kubernetes.io/name" stay whole.
// "in" and "notin" are keywords, but only where an operator may stand: `x in (in)` is legal.

type TokenKind = 'ident' | 'in' | 'notin' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
}

const SPECIAL = '=!(),><';
const WHITESPACE = ' \t\r\n';

function lex(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && WHITESPACE.includes(s[i])) i++;
    if (i >= s.length) return [...tokens, { kind: 'end', text: '', pos: i }];
    const start = i;
    if (SPECIAL.includes(s[i])) {
      // The longest operator wins: "!=" is one token, "!(" is two.
      const two = s.slice(i, i + 2);
      const text = two === '==' || two === '!=' ? two : s[i];
      i += text.length;
      tokens.push({ kind: text as TokenKind, text, pos: start });
    } else {
      while (i < s.length && !SPECIAL.includes(s[i]) && !WHITESPACE.includes(s[i])) i++;
      const text = s.slice(start, i);
      tokens.push({ kind: text === 'in' || text === 'notin' ? text : 'ident', text, pos: start });
    }
  }
}

// ## The parser

const BINARY_OPERATORS: Partial<Record<TokenKind, SelectorOperator>> = {
  in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt',
};

class Parser {
  private at = 0;
  private readonly tokens: Token[];

  constructor(private readonly input: string) {
    this.tokens = lex(input);
  }

  // Where values may stand, the keywords "in" and "notin" are plain identifiers
  // (Kubernetes' ParserContext "Values"); only the operator position sees them as keywords.
  private peek(asValue = true): Token {
    const t = this.tokens[this.at];
    return asValue && (t.kind === 'in' || t.kind === 'notin') ? { ...t, kind: 'ident' } : t;
  }

  private next(asValue = true): Token {
    const t = this.peek(asValue);
    if (t.kind !== 'end') this.at++;
    return t;
  }

  // Kubernetes' messages say what was found; we add where, which is what a student needs.
  private fail(message: string, t: Token, inRequirement = true): never {
    const where = t.pos >= this.input.length ? 'at the end of' : `at column ${t.pos + 1} of`;
    const prefix = inRequirement ? 'unable to parse requirement: ' : '';
    throw new SelectorError(`${prefix}${message} (${where} ${JSON.stringify(this.input)})`, this.input, t.pos);
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'end') return reqs;
      if (t.kind !== 'ident' && t.kind !== '!') this.fail(`found '${t.text}', expected: !, identifier, or 'end of string'`, t, false);
      reqs.push(this.requirement());
      const after = this.next();
      if (after.kind === 'end') return reqs;
      if (after.kind !== ',') this.fail(`found '${after.text}', expected: ',' or 'end of string'`, after, false);
      const t2 = this.peek();
      if (t2.kind !== 'ident' && t2.kind !== '!') this.fail(`found '${t2.text}', expected: identifier after ','`, t2, false);
    }
  }

  // [!] KEY, then an operator and values unless the key stands alone.
  private requirement(): Requirement {
    const first = this.next();
    const keyToken = first.kind === '!' ? this.next() : first;
    if (keyToken.kind !== 'ident') this.fail(`found '${keyToken.text}', expected: identifier`, keyToken);
    const key = keyToken.text;
    // Like Kubernetes we check the key as soon as we have it, before reading any further.
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length > 0) this.fail(invalidValue('key', key, keyErrs.join('; ')), keyToken);
    if (first.kind === '!') return this.build(key, '!', [], keyToken);
    const look = this.peek();
    if (look.kind === 'end' || look.kind === ',') return this.build(key, 'exists', [], keyToken);

    const opToken = this.next(false);
    const operator = BINARY_OPERATORS[opToken.kind];
    if (!operator) this.fail(`found '${opToken.text}', expected: in, notin, =, ==, !=, gt, lt`, opToken);
    const valuesAt = this.peek();
    const values = operator === 'in' || operator === 'notin' ? this.valueSet() : this.exactValue();
    // Values form a set: duplicates vanish and the order is sorted, as Kubernetes' sets.String does.
    return this.build(key, operator, [...new Set(values)].sort(), valuesAt);
  }

  // After = == != > <: one value, which may be empty ("app=" asks for app set to "").
  private exactValue(): string[] {
    const look = this.peek();
    if (look.kind === 'end' || look.kind === ',') return [''];
    const t = this.next();
    if (t.kind !== 'ident') this.fail(`found '${t.text}', expected: identifier`, t);
    return [t.text];
  }

  // "(" values ")". Empty entries are the empty string: "()" and "(a,)" both contain "".
  // Kubernetes spreads this over parseValues and parseIdentifiersList; one loop that remembers
  // whether a value may come next accepts exactly the same strings. (One message differs: where
  // Kubernetes says "expected: ',', or identifier" after a comma, we say "',', ')' or identifier".)
  private valueSet(): string[] {
    const open = this.next();
    if (open.kind !== '(') this.fail(`found '${open.text}' expected: '('`, open);
    const values: string[] = [];
    let expectValue = true;
    for (;;) {
      const t = this.next();
      if (t.kind === ')') {
        if (expectValue) values.push('');
        return values;
      }
      if (t.kind === ',') {
        if (expectValue) values.push('');
        expectValue = true;
      } else if (t.kind === 'ident' && expectValue) {
        values.push(t.text);
        expectValue = false;
      } else {
        this.fail(expectValue ? `found '${t.text}', expected: ',', ')' or identifier` : `found '${t.text}', expected: ',' or ')'`, t);
      }
    }
  }

  // Every clause goes through newRequirement, so a bad value or value count reads the same
  // whether it came from a string or from a structured selector. `at` is the token we blame.
  private build(key: string, operator: SelectorOperator, values: string[], at: Token): Requirement {
    try {
      return newRequirement(key, operator, values);
    } catch (err) {
      return this.fail((err as Error).message, at);
    }
  }
}

/**
 * Parse a selector string into requirements, in the order written (labels.ts sorts them).
 * "" gives no requirements, which selects everything.
 * @throws SelectorError saying what was found, what was expected, and at which column.
 */
export function parseRequirements(selector: string): Requirement[] {
  return new Parser(selector).parse();
}
