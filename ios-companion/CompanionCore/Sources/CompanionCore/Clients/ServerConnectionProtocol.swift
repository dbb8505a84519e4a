import Foundation

public enum ServerConnectionError: Error, Equatable, Sendable {
    case notConnected
    /// No ack within the timeout (DESIGN.md lesson 9: acks that never fire).
    case timedOut
    /// The ack was not JSON the protocol allows.
    case invalidAck(String)
}

/// The `/device` Socket.IO namespace, authenticated with `{deviceId, secret}`. Payloads cross this
/// boundary as JSON bytes so that every decision about them (validation included) is made here in
/// the core, where it is tested.
@MainActor
public protocol ServerConnectionProtocol: AnyObject {
    var isConnected: Bool { get }

    func setDelegate(_ delegate: any ServerConnectionDelegate)

    /// Idempotent. Socket.IO does not live in the background on iOS: this is called when a push
    /// wakes the app, when it comes to the foreground and when a call is answered or placed; a
    /// phone is never rung over the socket.
    func connect()

    /// Closes the connection (the app went to the background with no call): a suspended app's
    /// socket would otherwise look connected long after its TCP connection died.
    func disconnect()

    /// Drops the connection and opens a new one at once: an ack that never came means the socket
    /// may be half-dead (DESIGN lesson 9), and waiting for Socket.IO's pings to notice takes long.
    func reconnect()

    /// Emits `event` with `payload` (a JSON object) and returns the ack's JSON, or throws
    /// `.timedOut` when no ack came within `timeout`, `.notConnected` when the socket is down.
    func emit(_ event: DeviceRequestName, payload: Data, timeout: Duration) async throws -> Data
}

@MainActor
public protocol ServerConnectionDelegate: AnyObject {
    func serverConnectionDidConnect()
    func serverConnectionDidDisconnect()
    /// A broadcast, payload as JSON bytes (`call:cancelled`, `call:changed`, `directory:changed`,
    /// `rtc:signal`). Returns whether to acknowledge it, when the server asked for an ack.
    @discardableResult
    func serverConnection(received event: String, payload: Data) -> Bool
    /// The server refused the handshake (`connect_error`), with its code when it gave one.
    func serverConnectionRefused(code: ErrorCode?, message: String)
    /// The connection cannot be made for a reason waiting will not fix (the server's certificate
    /// is not the pinned one), in words for the Status screen.
    func serverConnectionProblem(_ message: String)
}
