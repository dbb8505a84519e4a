import CompanionCore
import Foundation

/// `ServerConnectionProtocol` over the bridge: the Node side holds a real `socket.io-client` and
/// only carries what passes (connect with this auth, emit with an ack, the broadcasts, the ack the
/// coordinator gives a cancel). Nothing here decides: the coordinator does, as on the phone.
@MainActor
final class BridgeConnection: ServerConnectionProtocol {
    private(set) var isConnected = false
    private weak var delegate: (any ServerConnectionDelegate)?
    private var auth: DeviceAuth?
    private var connecting = false
    private var nextId = 0
    private var pending: [Int: CheckedContinuation<Data, any Error>] = [:]

    func setDelegate(_ delegate: any ServerConnectionDelegate) { self.delegate = delegate }

    /// Pairing gave credentials (or unpairing took them away): as the app's `configure(_:)`.
    func configure(_ auth: DeviceAuth?) {
        if isConnected || connecting { Lines.send(["type": "disconnect"]) }
        self.auth = auth
        connecting = false
    }

    func connect() {
        guard let auth, !isConnected, !connecting else { return }
        connecting = true
        Lines.send(["type": "connect", "auth": auth.socketPayload])
    }

    func disconnect() {
        connecting = false
        Lines.send(["type": "disconnect"])
    }

    func reconnect() {
        guard auth != nil else { return }
        connecting = true
        Lines.send(["type": "reconnect"])
    }

    func emit(_ event: DeviceRequestName, payload: Data, timeout: Duration) async throws -> Data {
        guard isConnected else { throw ServerConnectionError.notConnected }
        nextId += 1
        let id = nextId
        let (seconds, attoseconds) = timeout.components
        let milliseconds = Int((Double(seconds) + Double(attoseconds) / 1e18) * 1000)
        Lines.send(["type": "emit", "id": id, "event": event.rawValue, "payload": Lines.value(payload), "timeoutMs": milliseconds])
        return try await withCheckedThrowingContinuation { pending[id] = $0 }
    }

    // MARK: - From the bridge

    func received(_ line: Lines.Object) {
        switch line["type"] as? String {
        case "connected":
            connecting = false
            isConnected = true
            delegate?.serverConnectionDidConnect()
        case "disconnected":
            connecting = false
            isConnected = false
            // What was sent on the closed socket is never answered.
            let waiting = pending
            pending = [:]
            waiting.values.forEach { $0.resume(throwing: ServerConnectionError.notConnected) }
            delegate?.serverConnectionDidDisconnect()
        case "refused":
            // The socket.io-client's `connect_error`, as the Swift client's `.error` hands it over.
            connecting = false
            guard let refusal = HandshakeRefusal(socketItems: [line["error"] ?? NSNull()]), refusal.code != nil else { return }
            delegate?.serverConnectionRefused(code: refusal.code, message: refusal.message)
        case "ack":
            // The ack's items as Socket.IO hands them to `timingOut(after:)`'s callback ("NO ACK" included).
            guard let id = line["id"] as? Int, let continuation = pending.removeValue(forKey: id) else { return }
            let items = line["items"] as? [Any] ?? []
            switch SocketAck.interpret(items) {
            case let .success(data): continuation.resume(returning: data)
            case let .failure(error): continuation.resume(throwing: error)
            }
        case "broadcast":
            guard let event = line["event"] as? String else { return }
            let acknowledge = delegate?.serverConnection(received: event, payload: SocketAck.json(line["payload"]) ?? Data()) ?? false
            if acknowledge, let ackId = line["ackId"] as? Int { Lines.send(["type": "broadcastAck", "ackId": ackId]) }
        default:
            break
        }
    }
}
