import Foundation

/// The phone's call logic: VoIP pushes, CallKit, the server and the media engine, each behind a
/// protocol (`Clients/`). Everything runs on the main actor because PushKit and CallKit deliver
/// there (the app creates both with the main queue) and a push must be reported to CallKit
/// synchronously, inside PushKit's delegate call.
///
/// The rules it keeps (DESIGN.md "Lessons", seeds/callkit-skill.md "Review checklist"):
/// - every VoIP push is reported to CallKit before its completion handler runs, even a malformed,
///   stale or cancel push; those are ended at once;
/// - one CallKit call per server call id, however many pushes and syncs name it;
/// - a cancel that arrives before its call is remembered, and the call is ended when it comes;
/// - every provider action is fulfilled or failed;
/// - call audio starts only in `didActivate` and stops in `didDeactivate`;
/// - state changes go to the server as `call:report` (seq per call from 1), queued and retried;
///   `call:sync` runs on every wake and reconnect, and what the server says is over is ended.
@MainActor
public final class CallCoordinator {
    // MARK: - Dependencies

    let provider: any CallProviderProtocol
    let controller: any CallControllerProtocol
    let pushRegistry: any PushRegistryProtocol
    let audio: any AudioSessionProtocol
    let media: any MediaEngineProtocol
    let server: any ServerConnectionProtocol
    let clock: any ClockProtocol
    public var configuration: CompanionConfiguration

    // MARK: - State

    /// By CallKit UUID.
    var calls: [UUID: CompanionCall] = [:]
    var ended = EndedCallMemory()
    let tracker = WorkTracker()
    lazy var outbox = RequestOutbox(
        server: server,
        clock: clock,
        tracker: tracker,
        timeout: configuration.requestTimeout,
        onDelivered: { [weak self] item, ack in self?.delivered(item, ack) }
    )
    /// The newest token not yet acknowledged by the server.
    var unsentToken: String?
    /// Requests waiting for the socket to come up (resumed with `false` at their timeout).
    var connectionWaiters: [UUID: @MainActor (Bool) -> Void] = [:]
    private(set) var started = false

    public private(set) var status: CompanionStatus {
        didSet { if status != oldValue { onStatusChange?(status) } }
    }

    /// Called on every change of `status` (the app's Status and Recents screens observe it).
    public var onStatusChange: (@MainActor (CompanionStatus) -> Void)?
    /// `directory:changed`: the app fetches the directory and reloads the Call Directory extension.
    public var onDirectoryChanged: (@MainActor (Int) -> Void)?
    /// Diagnostics for the app's log.
    public var log: (@MainActor (String) -> Void)?

    public init(
        configuration: CompanionConfiguration,
        provider: any CallProviderProtocol,
        controller: any CallControllerProtocol,
        pushRegistry: any PushRegistryProtocol,
        audio: any AudioSessionProtocol,
        media: any MediaEngineProtocol,
        server: any ServerConnectionProtocol,
        clock: any ClockProtocol,
        recents: [RecentCall] = []
    ) {
        self.configuration = configuration
        self.provider = provider
        self.controller = controller
        self.pushRegistry = pushRegistry
        self.audio = audio
        self.media = media
        self.server = server
        self.clock = clock
        var status = CompanionStatus(apnsEnvironment: configuration.apnsEnvironment)
        status.recents = recents
        self.status = status
    }

    /// Called once, from `application(_:didFinishLaunchingWithOptions:)`. The provider's delegate
    /// is set before the push registry exists to deliver anything, so no report can precede it.
    public func start() {
        guard !started else { return }
        started = true
        provider.setDelegate(self)
        media.setDelegate(self)
        server.setDelegate(self)
        pushRegistry.register(delegate: self)
    }

    // MARK: - User requests (in-app buttons, Siri / Recents intents)

    /// Calls the console. The system answers with a `CXStartCallAction` (see `provider(perform:)`).
    public func startCall(video: Bool = false, completion: (@MainActor @Sendable ((any Error)?) -> Void)? = nil) {
        let transaction = CallTransaction.start(
            uuid: UUID(),
            handle: CallHandle(configuration.consoleHandle),
            video: video
        )
        controller.request(transaction) { error in completion?(error) }
    }

    public func endCall(_ uuid: UUID) {
        controller.request(.end(uuid: uuid)) { [weak self] error in
            if let error { self?.log?("end request failed: \(error)") }
        }
    }

    public func setHeld(_ uuid: UUID, _ onHold: Bool) {
        controller.request(.setHeld(uuid: uuid, onHold: onHold)) { [weak self] error in
            if let error { self?.log?("hold request failed: \(error)") }
        }
    }

    public func setMuted(_ uuid: UUID, _ muted: Bool) {
        controller.request(.setMuted(uuid: uuid, muted: muted)) { [weak self] error in
            if let error { self?.log?("mute request failed: \(error)") }
        }
    }

    /// The app came to the foreground: connect, and sync once connected.
    public func appDidBecomeActive() {
        wake()
    }

    /// The CallKit UUIDs of the calls in progress, for the app's in-call controls.
    public var activeCallUUIDs: [UUID] { calls.values.sorted { $0.startedAt < $1.startedAt }.map(\.uuid) }

    // MARK: - Shared steps

    /// A push or the foreground woke the app: make sure the socket is up, and ask what is over.
    func wake() {
        guard configuration.deviceId != nil else { return }
        if server.isConnected {
            sync()
        } else {
            server.connect()
        }
    }

    /// Connects if needed and waits (at most `timeout`) for the socket: a call placed from the
    /// Phone app's Recents launches the app with no socket yet. Only from inside `tracker.spawn`.
    func waitForConnection(timeout: Duration) async -> Bool {
        if server.isConnected { return true }
        wake()
        return await tracker.parked { resume in
            let id = UUID()
            connectionWaiters[id] = resume
            clock.schedule(after: timeout) { [weak self] in
                self?.connectionWaiters.removeValue(forKey: id)?(false)
            }
        }
    }

    func call(serverId: CallID) -> CompanionCall? {
        calls.values.first { $0.serverId == serverId }
    }

    /// Queues a `call:report` for a call with a server id; reports for a call without one (an
    /// outgoing call the server has not named yet) are not sendable and are dropped here.
    func report(_ call: CompanionCall, _ event: DeviceReportEvent, reason: EndReason? = nil) {
        guard let id = call.serverId else { return }
        let report = CallReport(callId: id, event: event, reason: reason, at: clock.nowMs, seq: call.takeSeq())
        guard let payload = try? JSONEncoder().encode(report) else { return }
        outbox.enqueue(.callReport, payload: payload, callId: id)
    }

    /// Forgets a call that is over on this phone (CallKit has been told already).
    func finish(_ call: CompanionCall, reason: EndReason?) {
        call.ringTimer?.cancel()
        call.ringTimer = nil
        calls[call.uuid] = nil
        if let id = call.serverId {
            ended.remember(id, reason: reason)
            media.close(callId: id)
        }
        let recent = RecentCall(
            id: call.uuid,
            serverId: call.serverId,
            direction: call.direction,
            handle: call.handle.value,
            callerName: call.callerName,
            video: call.video,
            startedAt: call.startedAt,
            answeredAt: call.answeredAt,
            endedAt: clock.now,
            endReason: reason
        )
        status.recents.insert(recent, at: 0)
        status.recents = Array(status.recents.prefix(configuration.recentsLimit))
        status.activeCallCount = calls.count
    }

    /// Ends a call because the server (or its deadline) says it is over: CallKit is told with the
    /// matching reason. A call CallKit is still registering is ended as soon as it is registered.
    func endFromServer(_ id: CallID, reason: EndReason?) {
        guard let call = call(serverId: id) else {
            ended.remember(id, reason: reason)
            return
        }
        if call.phase == .reporting {
            call.pendingServerEnd = .some(reason)
            return
        }
        provider.reportCall(call.uuid, endedAt: clock.now, reason: CallEndedReason(serverReason: reason, direction: call.direction))
        finish(call, reason: reason)
    }

    /// Waits until no server request is running (tests; timers are driven by the test clock).
    func settle() async {
        await tracker.settle()
    }

    func updateStatus(_ change: (inout CompanionStatus) -> Void) {
        change(&status)
    }
}
