import Foundation

/// The requests the phone must get to the server (`call:start`, `call:report`, `device:update`):
/// queued in order, sent one at a time with an ack timeout, retried with backoff on a timeout, a
/// dropped socket or a retryable error code, and sent again on every reconnect. Repeating one is
/// safe: the server drops a `call:report` whose `seq` and event it has already applied, and a
/// `call:start` carries the phone's call id, so a second one returns the call the first created.
@MainActor
final class RequestOutbox {
    struct Item {
        let id = UUID()
        let event: DeviceRequestName
        let payload: Data
        let callId: CallID?
        /// `device:update`: the device record it was sent for.
        var deviceId: String?
        var attempts = 0
    }

    /// The server's final answer to an item: an ok ack, or an error code not worth retrying; with
    /// the ack's raw JSON, for the caller to decode its data.
    typealias Delivered = @MainActor (Item, Ack<JSONValue>, Data) -> Void

    private let server: any ServerConnectionProtocol
    private let clock: any ClockProtocol
    private let tracker: WorkTracker
    private let timeout: Duration
    private let onDelivered: Delivered
    /// Called when the last request has been answered and nothing waits.
    var onIdle: (@MainActor () -> Void)?
    private(set) var items: [Item] = []
    private var inFlight: UUID?
    private var retry: (any ScheduledWork)?

    init(
        server: any ServerConnectionProtocol,
        clock: any ClockProtocol,
        tracker: WorkTracker,
        timeout: Duration,
        onDelivered: @escaping Delivered
    ) {
        self.server = server
        self.clock = clock
        self.tracker = tracker
        self.timeout = timeout
        self.onDelivered = onDelivered
    }

    /// Exponential, from half a second up to 30 s.
    nonisolated static func backoff(attempt: Int) -> Duration {
        let milliseconds = min(500 * (1 << min(max(attempt - 1, 0), 10)), 30_000)
        return .milliseconds(milliseconds)
    }

    func enqueue(_ event: DeviceRequestName, payload: Data, callId: CallID? = nil, deviceId: String? = nil) {
        if event == .deviceUpdate {
            // The same update already queued or in flight is enough (every reconnect asks again).
            // (Compared decoded: JSONEncoder's key order is not stable on every platform.)
            let update = try? JSONDecoder().decode(DeviceUpdate.self, from: payload)
            if items.contains(where: {
                $0.event == event && $0.deviceId == deviceId && (try? JSONDecoder().decode(DeviceUpdate.self, from: $0.payload)) == update
            }) {
                return kick()
            }
            // Only the newest token matters; an older one still waiting would overwrite it later.
            removeAll(.deviceUpdate)
        }
        items.append(Item(event: event, payload: payload, callId: callId, deviceId: deviceId))
        kick()
    }

    /// Drops the waiting requests (of one kind, or all); an answer to the one in flight is ignored.
    func removeAll(_ event: DeviceRequestName? = nil) {
        guard let event else { return items.removeAll() }
        items.removeAll { $0.event == event && $0.id != inFlight }
    }

    /// Takes the requests `event` for `callId` out of the queue (the `call:start` of a call the
    /// phone gave up on); an answer to one already in flight is ignored. Returns whether one may
    /// have reached the server (it was sent at least once), so that the caller can undo it.
    func withdraw(_ event: DeviceRequestName, callId: CallID) -> Bool {
        var sent = false
        items.removeAll { item in
            guard item.event == event, item.callId == callId else { return false }
            sent = sent || item.attempts > 0 || item.id == inFlight
            return true
        }
        return sent
    }

    /// Sends the head of the queue now if nothing is in flight: after an enqueue, a reconnect or
    /// a backoff delay. A pending backoff is skipped, since a reconnect is the better signal.
    var isIdle: Bool { items.isEmpty && inFlight == nil }

    func kick() {
        guard inFlight == nil, let head = items.first, server.isConnected else { return }
        retry?.cancel()
        retry = nil
        inFlight = head.id
        tracker.spawn { [weak self] in
            guard let self else { return }
            let outcome = await self.attempt(head)
            self.finish(head.id, outcome)
        }
    }

    private enum Outcome {
        case delivered(Ack<JSONValue>, Data)
        case retry
    }

    private func attempt(_ item: Item) async -> Outcome {
        do {
            let data = try await server.emit(item.event, payload: item.payload, timeout: timeout)
            let ack = try JSONDecoder().decode(Ack<JSONValue>.self, from: data)
            if let error = ack.error, error.code.isRetryable { return .retry }
            return .delivered(ack, data)
        } catch is DecodingError {
            // An ack the protocol does not allow will not improve with repetition.
            return .delivered(.failure(ErrorBody(code: .internalError, message: "unreadable ack")), Data())
        } catch ServerConnectionError.timedOut {
            server.reconnect()
            return .retry
        } catch {
            return .retry
        }
    }

    private func finish(_ id: UUID, _ outcome: Outcome) {
        inFlight = nil
        guard let index = items.firstIndex(where: { $0.id == id }) else { return kick() }
        switch outcome {
        case let .delivered(ack, data):
            let item = items.remove(at: index)
            onDelivered(item, ack, data)
            kick()
            if isIdle { onIdle?() }
        case .retry:
            items[index].attempts += 1
            let delay = Self.backoff(attempt: items[index].attempts)
            retry = clock.schedule(after: delay) { [weak self] in
                self?.retry = nil
                self?.kick()
            }
        }
    }
}
