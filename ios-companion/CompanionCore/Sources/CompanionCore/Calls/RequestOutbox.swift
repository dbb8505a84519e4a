import Foundation

/// The requests the phone must get to the server (`call:start`, `call:report`, `device:update`,
/// `permissions:report`): queued in order, sent one at a time with an ack timeout on the
/// coordinator's clock, retried with backoff on a timeout, a dropped socket or a retryable error
/// code, and sent again on every reconnect. Repeating one is safe: the server drops a
/// `call:report` whose `seq` and event it has already applied, and a `call:start` carries the
/// phone's call id, so a second one returns the call the first created.
///
/// Reports are also kept on disk until acknowledged (`OutboxStoreProtocol`), each under a
/// background task while it is pending: iOS suspends an app soon after the user locks the phone,
/// and a decline or hang-up that did not reach the server would leave the call ringing there. What
/// is left is sent, in order, at the next connect, even after a relaunch.
@MainActor
final class RequestOutbox {
    struct Item {
        let id = UUID()
        let event: DeviceRequestName
        let payload: Data
        let callId: CallID?
        /// `device:update`, `permissions:report`: the device record it was sent for.
        var deviceId: String?
        /// Sent after a tap (answer, start): the first attempt waits `urgentTimeout` only, then the
        /// socket is replaced, since a half-dead one would otherwise hold the answer for seconds.
        var urgent = false
        var attempts = 0
        var backgroundTask: Int?
    }

    /// The server's final answer to an item: an ok ack, or an error code not worth retrying; with
    /// the ack's raw JSON, for the caller to decode its data.
    typealias Delivered = @MainActor (Item, Ack<JSONValue>, Data) -> Void

    private let server: any ServerConnectionProtocol
    private let clock: any ClockProtocol
    private let tracker: WorkTracker
    private let timeout: Duration
    private let urgentTimeout: Duration
    private let store: any OutboxStoreProtocol
    private let backgroundTasks: any BackgroundTaskProtocol
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
        urgentTimeout: Duration,
        store: any OutboxStoreProtocol,
        backgroundTasks: any BackgroundTaskProtocol,
        onDelivered: @escaping Delivered
    ) {
        self.server = server
        self.clock = clock
        self.tracker = tracker
        self.timeout = timeout
        self.urgentTimeout = urgentTimeout
        self.store = store
        self.backgroundTasks = backgroundTasks
        self.onDelivered = onDelivered
        // Left by an earlier run of the app: they go first, in their order. They may have reached
        // the server already (the ack was lost with the app); the server drops a repeat.
        for stored in store.load() {
            guard let event = DeviceRequestName(rawValue: stored.event) else { continue }
            var item = Item(event: event, payload: stored.payload, callId: stored.callId)
            item.attempts = 1
            items.append(item)
        }
    }

    /// Exponential, from half a second up to 30 s.
    nonisolated static func backoff(attempt: Int) -> Duration {
        let milliseconds = min(500 * (1 << min(max(attempt - 1, 0), 10)), 30_000)
        return .milliseconds(milliseconds)
    }

    /// Reports survive the app; the rest is asked again by whoever needs it after a relaunch (the
    /// token and permissions on every connect; a call to the console dies with the app).
    private static func isKept(_ event: DeviceRequestName) -> Bool { event == .callReport }

    func enqueue(
        _ event: DeviceRequestName,
        payload: Data,
        callId: CallID? = nil,
        deviceId: String? = nil,
        urgent: Bool = false
    ) {
        if event == .deviceUpdate || event == .permissionsReport {
            // The same update already queued or in flight is enough (every reconnect asks again).
            // (Compared decoded: JSONEncoder's key order is not stable on every platform.)
            let same = { (other: Item) in
                other.event == event && other.deviceId == deviceId
                    && (try? JSONDecoder().decode(JSONValue.self, from: other.payload))
                    == (try? JSONDecoder().decode(JSONValue.self, from: payload))
            }
            if items.contains(where: same) { return kick() }
            // Only the newest matters; an older one still waiting would overwrite it later.
            removeAll(event)
        }
        var item = Item(event: event, payload: payload, callId: callId, deviceId: deviceId, urgent: urgent)
        if Self.isKept(event) || event == .callStart {
            let id = item.id
            item.backgroundTask = backgroundTasks.begin(name: "switchboard \(event.rawValue)") { [weak self] in
                self?.backgroundTimeExpired(id)
            }
        }
        items.append(item)
        persist()
        kick()
    }

    /// Drops the waiting requests (of one kind, or all); an answer to the one in flight is ignored.
    func removeAll(_ event: DeviceRequestName? = nil) {
        let dropped = items.filter { event == nil || ($0.event == event && $0.id != inFlight) }
        items.removeAll { item in dropped.contains { $0.id == item.id } }
        for item in dropped { endBackgroundTask(item) }
        persist()
    }

    /// Takes the requests `event` for `callId` out of the queue (the `call:start` of a call the
    /// phone gave up on); an answer to one already in flight is ignored. Returns whether one may
    /// have reached the server (it was sent at least once), so that the caller can undo it.
    func withdraw(_ event: DeviceRequestName, callId: CallID) -> Bool {
        var sent = false
        let dropped = items.filter { $0.event == event && $0.callId == callId }
        for item in dropped { sent = sent || item.attempts > 0 || item.id == inFlight }
        items.removeAll { item in dropped.contains { $0.id == item.id } }
        for item in dropped { endBackgroundTask(item) }
        persist()
        return sent
    }

    var isIdle: Bool { items.isEmpty && inFlight == nil }

    /// Sends the head of the queue now if nothing is in flight: after an enqueue, a reconnect or
    /// a backoff delay. A pending backoff is skipped, since a reconnect is the better signal.
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
        /// No ack in time: the socket was replaced, and a fresh one is worth trying at once.
        case retryNow
    }

    private func attempt(_ item: Item) async -> Outcome {
        let probing = item.urgent && item.attempts == 0
        let wait = probing ? urgentTimeout : timeout
        do {
            let data = try await ClockedRequest.emit(
                item.event, payload: item.payload, timeout: wait, server: server, clock: clock, tracker: tracker
            )
            let ack = try JSONDecoder().decode(Ack<JSONValue>.self, from: data)
            if let error = ack.error, error.code.isRetryable { return .retry }
            return .delivered(ack, data)
        } catch is DecodingError {
            // An ack the protocol does not allow will not improve with repetition.
            return .delivered(.failure(ErrorBody(code: .internalError, message: "unreadable ack")), Data())
        } catch ServerConnectionError.timedOut {
            // No ack in time: the socket may look connected and be dead. A new one now; the
            // request goes out again as soon as it connects (`kick` on connect).
            server.reconnect()
            // An urgent request goes out again on the new socket at once; the rest back off.
            return probing ? .retryNow : .retry
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
            endBackgroundTask(item)
            persist()
            onDelivered(item, ack, data)
            kick()
            if isIdle { onIdle?() }
        case .retryNow:
            items[index].attempts += 1
            // Sent as soon as the new socket is up: now if the reconnect was quick, else on connect.
            kick()
        case .retry:
            items[index].attempts += 1
            let delay = Self.backoff(attempt: items[index].attempts)
            // A reconnect (`kick` on connect) sends it sooner.
            retry = clock.schedule(after: delay) { [weak self] in
                self?.retry = nil
                self?.kick()
            }
        }
    }

    // MARK: - Disk and background time

    private func persist() {
        store.save(items.filter { Self.isKept($0.event) }.map {
            StoredRequest(event: $0.event.rawValue, payload: $0.payload, callId: $0.callId)
        })
    }

    private func endBackgroundTask(_ item: Item) {
        guard let task = item.backgroundTask else { return }
        backgroundTasks.end(task)
    }

    /// iOS is about to suspend the app: the task must end now. The report stays on disk and goes
    /// out at the next connect (a push wakes the app; the user opens it).
    private func backgroundTimeExpired(_ id: UUID) {
        guard let index = items.firstIndex(where: { $0.id == id }), let task = items[index].backgroundTask else { return }
        items[index].backgroundTask = nil
        backgroundTasks.end(task)
    }
}
