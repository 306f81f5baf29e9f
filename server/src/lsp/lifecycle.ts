// The LSP lifecycle rules the connection library leaves to us: before `initialize` a request is answered
// ServerNotInitialized (-32002) and a notification other than `exit` is dropped; after `shutdown` a request
// is answered InvalidRequest (-32600). Enforced on the incoming message stream, so every handler (built
// in, language feature or custom request) is covered without checking a flag in each.
import { ErrorCodes, Message, type MessageReader, type MessageWriter, type RequestMessage, type ResponseMessage } from 'vscode-languageserver/node';

export function lifecycleGuard(reader: MessageReader, writer: MessageWriter): MessageReader {
  let initialized = false;
  let shutDown = false;
  const refuse = (request: RequestMessage, code: number, message: string) => {
    const response: ResponseMessage = { jsonrpc: '2.0', id: request.id, error: { code, message } };
    void writer.write(response);
  };
  return {
    onError: reader.onError,
    onClose: reader.onClose,
    onPartialMessage: reader.onPartialMessage,
    dispose: () => reader.dispose(),
    listen: (callback) =>
      reader.listen((message) => {
        if (Message.isRequest(message)) {
          if (shutDown) return refuse(message, ErrorCodes.InvalidRequest, `'${message.method}' after shutdown`);
          if (message.method === 'initialize') initialized = true;
          else if (!initialized) return refuse(message, ErrorCodes.ServerNotInitialized, `'${message.method}' before initialize`);
          if (message.method === 'shutdown') shutDown = true;
        } else if (Message.isNotification(message) && !initialized && message.method !== 'exit') {
          return;
        }
        callback(message);
      }),
  };
}
