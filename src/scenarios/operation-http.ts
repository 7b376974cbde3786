import { httpLoad, type HttpRequestConfig } from './http-request.js';
import type { OperationProtocol } from './operation-protocol.js';
import { httpChanges } from './changes-data.js';

/** An HTTP request to an engine or http target: the operation's method, path, headers, body and expectations. */
export const httpOperation: OperationProtocol = {
  targetKinds: ['engine', 'http'],
  what: 'engine or http target',
  // The request fields (method, path, body...) are every operation's, from httpRequestFields.
  fields: {},
  changesData: (op) => httpChanges(op.method as string | undefined),
  open: async (op, _target, timeoutMs, targets) => httpLoad(op as unknown as HttpRequestConfig, targets, timeoutMs),
};
