import Foundation
@testable import CompanionCore

/// The `/device` socket: records every emit and answers from a script, at once (a timeout is
/// simulated by throwing `.timedOut` rather than by waiting).
@MainActor
final class TestServerConnection: ServerConnectionProtocol {
    enum Reply {
        case ack(String)
        case timeout
        case disconnected
        /// A half-dead socket: the event goes nowhere and no ack ever comes; the emit returns
        /// (`notConnected`) only when the socket is dropped.
        case hang
    }

    struct Emit {
        let event: DeviceRequestName
        let payload: Data
        /// On the test clock, when one is set.
        var at: Date?

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONDecoder().decode(T.self, from: payload)
        }
    }

    var isConnected = false
    /// Stamps each emit with the time (`Emit.at`).
    var clock: TestClock?
    private var hanging: [CheckedContinuation<Data, any Error>] = []
    private(set) weak var delegate: (any ServerConnectionDelegate)?
    private(set) var connectRequests = 0
    private(set) var disconnectRequests = 0
    private(set) var reconnectRequests = 0
    private(set) var emits: [Emit] = []
    /// Replies used in order, per event, before the defaults.
    var script: [DeviceRequestName: [Reply]] = [:]
    /// The `call:start` ack data (a Call) when not scripted. As the server does, it takes the
    /// request's `callId` as its id (set here when the ack is sent).
    var startedCall: Call?
    /// The `call:sync` ack data when not scripted.
    var syncResult = CallSyncResult(live: [], ended: [])

    func setDelegate(_ delegate: any ServerConnectionDelegate) { self.delegate = delegate }

    func connect() { connectRequests += 1 }

    func disconnect() {
        disconnectRequests += 1
        if isConnected { simulateDisconnect() }
    }

    /// A forced reconnect that succeeds at once: the socket drops and comes back.
    func reconnect() {
        reconnectRequests += 1
        simulateDisconnect()
        simulateConnect()
    }

    func emit(_ event: DeviceRequestName, payload: Data, timeout: Duration) async throws -> Data {
        guard isConnected else { throw ServerConnectionError.notConnected }
        emits.append(Emit(event: event, payload: payload, at: clock?.now))
        let reply = script[event]?.isEmpty == false ? script[event]!.removeFirst() : defaultReply(event, payload)
        switch reply {
        case let .ack(json): return Data(json.utf8)
        case .timeout: throw ServerConnectionError.timedOut
        case .disconnected: throw ServerConnectionError.notConnected
        case .hang: return try await withCheckedThrowingContinuation { hanging.append($0) }
        }
    }

    private func defaultReply(_ event: DeviceRequestName, _ payload: Data) -> Reply {
        switch event {
        case .callSync:
            return .ack(Self.ok(syncResult))
        case .callStart:
            // A final refusal: a retryable code would keep the start pending until its deadline.
            guard var call = startedCall else { return Self.error(.badRequest, "no call scripted") }
            if let id = (try? JSONDecoder().decode(CallStart.self, from: payload))?.callId { call.id = id }
            startedCall = call
            return .ack(Self.ok(call))
        default:
            return .ack(#"{"ok":true,"data":null}"#)
        }
    }

    static func ok(_ value: some Encodable) -> String {
        let data = try! JSONEncoder().encode(value)
        return #"{"ok":true,"data":"# + String(decoding: data, as: UTF8.self) + "}"
    }

    nonisolated static func error(_ code: ErrorCode, _ message: String = "refused") -> Reply {
        .ack(#"{"ok":false,"error":{"code":"\#(code.rawValue)","message":"\#(message)"}}"#)
    }

    // MARK: - Driving

    func simulateConnect() {
        isConnected = true
        delegate?.serverConnectionDidConnect()
    }

    func simulateDisconnect() {
        isConnected = false
        // What was sent on the dead socket is never answered: its emits fail now.
        let dead = hanging
        hanging = []
        dead.forEach { $0.resume(throwing: ServerConnectionError.notConnected) }
        delegate?.serverConnectionDidDisconnect()
    }

    /// Returns whether the phone acknowledged it (Socket.IO's ack).
    @discardableResult
    func broadcast(_ event: DeviceBroadcastName, _ value: some Encodable) -> Bool {
        delegate?.serverConnection(received: event.rawValue, payload: try! JSONEncoder().encode(value)) ?? false
    }

    @discardableResult
    func broadcast(_ event: String, json: String) -> Bool {
        delegate?.serverConnection(received: event, payload: Data(json.utf8)) ?? false
    }

    /// The server refuses the handshake (`connect_error`).
    func simulateRefusal(_ code: ErrorCode?, _ message: String) {
        isConnected = false
        delegate?.serverConnectionRefused(code: code, message: message)
    }

    // MARK: - Queries

    func emits(_ event: DeviceRequestName) -> [Emit] { emits.filter { $0.event == event } }

    var reports: [CallReport] { emits(.callReport).compactMap { try? $0.decode(CallReport.self) } }

    func reports(for id: CallID) -> [CallReport] { reports.filter { $0.callId == id } }

    var starts: [CallStart] { emits(.callStart).compactMap { try? $0.decode(CallStart.self) } }

    var syncs: [CallSync] { emits(.callSync).compactMap { try? $0.decode(CallSync.self) } }

    var deviceUpdates: [DeviceUpdate] { emits(.deviceUpdate).compactMap { try? $0.decode(DeviceUpdate.self) } }
}
