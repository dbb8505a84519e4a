import CompanionCore
import Foundation
@preconcurrency import SocketIO

/// The `/device` namespace, authenticated with `{deviceId, secret}` from pairing. Socket.IO does
/// not survive in the background on iOS: the coordinator connects it when a push wakes the app,
/// when the app comes to the foreground and when a call is answered or placed, closes it in the
/// background once no call needs it, and nothing relies on it to ring the phone.
/// All socket callbacks run on the main queue (`handleQueue(.main)`), hence `assumeIsolated`.
@MainActor
final class SocketServerConnection: ServerConnectionProtocol {
    private var manager: SocketManager?
    private var socket: SocketIOClient?
    private var credentials: DeviceCredentials?
    private weak var delegate: (any ServerConnectionDelegate)?

    var isConnected: Bool { socket?.status == .connected }

    func setDelegate(_ delegate: any ServerConnectionDelegate) {
        self.delegate = delegate
    }

    /// Points the connection at a paired server (or at none after unpairing).
    func configure(_ credentials: DeviceCredentials?) {
        socket?.disconnect()
        manager?.disconnect()
        socket = nil
        manager = nil
        self.credentials = credentials
        guard let credentials else { return }

        // The pinned certificate, when pairing gave one; the system's trust otherwise.
        let trust = PinnedTrust(pin: credentials.pin) { [weak self] message in
            Task { @MainActor in self?.delegate?.serverConnectionProblem(message) }
        }
        let manager = SocketManager(socketURL: credentials.server, config: [
            .log(false),
            .compress,
            .forceWebsockets(true),
            .reconnects(true),
            .reconnectWait(1),
            .reconnectWaitMax(10),
            .handleQueue(.main),
            .security(trust),
        ])
        let socket = manager.socket(forNamespace: "/device")
        socket.on(clientEvent: .connect) { [weak self] _, _ in
            MainActor.assumeIsolated { self?.delegate?.serverConnectionDidConnect() }
        }
        socket.on(clientEvent: .disconnect) { [weak self] _, _ in
            MainActor.assumeIsolated { self?.delegate?.serverConnectionDidDisconnect() }
        }
        socket.on(clientEvent: .error) { [weak self] data, _ in
            // A refused handshake ("UNAUTHORIZED: …", "PROTOCOL_MISMATCH: …") or a network error.
            let refusal = HandshakeRefusal(socketItems: data)
            MainActor.assumeIsolated {
                AppLog.socket.error("socket error: \(refusal?.message ?? "unreadable", privacy: .public)")
                guard let refusal, refusal.code != nil else { return }
                if refusal.code == .unauthorized {
                    // No retry will change it: stop reconnecting before the coordinator forgets the pairing.
                    self?.manager?.reconnects = false
                }
                self?.delegate?.serverConnectionRefused(code: refusal.code, message: refusal.message)
            }
        }
        for event in DeviceBroadcastName.allCases {
            socket.on(event.rawValue) { [weak self] data, ack in
                let payload = SocketAck.json(data.first) ?? Data()
                MainActor.assumeIsolated {
                    let acknowledge = self?.delegate?.serverConnection(received: event.rawValue, payload: payload) ?? false
                    // The server asks for an ack of `call:cancelled` only: with it, no cancel push follows.
                    if acknowledge, ack.expected { ack.with([]) }
                }
            }
        }
        self.manager = manager
        self.socket = socket
    }

    func connect() {
        guard let socket, let credentials, socket.status != .connected, socket.status != .connecting else { return }
        manager?.reconnects = true
        // With the protocol version: the server refuses a handshake without it (PROTOCOL_MISMATCH).
        socket.connect(withPayload: DeviceAuth(deviceId: credentials.deviceId, secret: credentials.deviceSecret).socketPayload)
    }

    /// Closes the transport, not only the `/device` namespace: nothing stays open in the background.
    func disconnect() {
        manager?.disconnect()
    }

    /// Socket.IO's manager drops the engine and reconnects every namespace with its auth payload.
    func reconnect() {
        guard let manager else { return }
        if manager.status == .connected {
            manager.reconnect()
        } else {
            connect()
        }
    }

    /// The ack's deadline is the coordinator's (on its clock); Socket.IO's own timeout, a little
    /// longer, only makes sure the callback is not kept for ever.
    func emit(_ event: DeviceRequestName, payload: Data, timeout: Duration) async throws -> Data {
        guard let socket, socket.status == .connected else { throw ServerConnectionError.notConnected }
        guard let object = try JSONSerialization.jsonObject(with: payload) as? NSDictionary else {
            throw ServerConnectionError.invalidAck("payload is not a JSON object")
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let result: Result<Data, ServerConnectionError> = await withCheckedContinuation { continuation in
            // `timingOut(after:)` is what sends the event; without an ack in time the callback gets
            // "NO ACK" (DESIGN lesson 9: every emit that matters has a timeout).
            socket.emitWithAck(event.rawValue, with: [object]).timingOut(after: seconds) { items in
                continuation.resume(returning: SocketAck.interpret(items))
            }
        }
        return try result.get()
    }
}
