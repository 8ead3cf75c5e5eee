// PatchError: why a PATCH body could not be applied
// =================================================
// CONCEPT   A patch can fail in two ways: the body is not a patch at all (400 BadRequest), or it
//           is a well-formed patch that does not fit this object (422 Invalid, e.g. a JSON patch
//           that replaces a field the object does not have, or a failed `test` operation).
// REAL K8S  staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go (v1.32): a patch that
//           does not decode becomes errors.NewBadRequest, one that fails to apply becomes
//           NewGenericServerResponse(http.StatusUnprocessableEntity, ...).
// SHIPS     The radio room either cannot read the amendment, or it can and the amendment does not fit the manifest.
// EXAMPLE   new PatchError('testing value /metadata/name failed: test failed')  =>  code 422
// SKIPPED   the field causes a 422 Status can carry; the apiserver wraps our message in a Status.

/**
 * Thrown by applyJsonPatch, applyMergePatch and applyStrategicMergePatch when a PATCH cannot be
 * applied. The apiserver turns it into a `Status` with this HTTP code: 400 (reason BadRequest) when
 * the body is not a patch of the declared content type, 422 (reason Invalid) when a well-formed
 * patch does not apply to the stored object. The message reads like the real apiserver's.
 */
export class PatchError extends Error {
  /**
   * @param message what went wrong, in Kubernetes' words
   * @param code the HTTP status the apiserver answers with
   * @default code 422
   */
  constructor(
    message: string,
    public code: 422 | 400 = 422,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}
