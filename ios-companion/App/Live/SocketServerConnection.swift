import CompanionCore
import Foundation
@preconcurrency import SocketIO

/// The `/device` namespace, authenticated with `{deviceId, secret}` from pairing. Socket.IO does
/// not survive in the background on iOS: the coordinator connects it when a push wakes the app,
/// when the app comes to the foreground and when a call is answered or placed, closes it in the
/// background once no call needs it, and nothing relies on it to ring the phone.
/// All socket callbacks run on the main queue (`handleQueue`).
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

        let manager = SocketManager(socketURL: credentials.server, config: [
            .log(false),
            .compress,
            .forceWebsockets(true),
            .reconnects(true),
            .reconnectWait(1),
            .reconnectWaitMax(10),
            .handleQueue(.main),
        ])
        let socket = manager.socket(forNamespace: "/device")
        socket.on(clientEvent: .connect) { [weak self] _, _ in
            MainActor.assumeIsolated { self?.delegate?.serverConnectionDidConnect() }
        }
        socket.on(clientEvent: .disconnect) { [weak self] _, _ in
            MainActor.assumeIsolated { self?.delegate?.serverConnectionDidDisconnect() }
        }
        socket.on(clientEvent: .error) { data, _ in
            // e.g. "UNAUTHORIZED: unknown device or wrong secret; pair the phone again", or
            // "PROTOCOL_MISMATCH: … update the app".
            AppLog.socket.error("socket error: \(String(describing: data.first), privacy: .public)")
        }
        for event in DeviceBroadcastName.allCases {
            socket.on(event.rawValue) { [weak self] data, _ in
                let payload = SocketAck.json(data.first) ?? Data()
                MainActor.assumeIsolated { self?.delegate?.serverConnection(received: event.rawValue, payload: payload) }
            }
        }
        self.manager = manager
        self.socket = socket
    }

    func connect() {
        guard let socket, let credentials, socket.status != .connected, socket.status != .connecting else { return }
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
