import Foundation

/// The phone's call logic: VoIP pushes, CallKit, the server and the media engine, each behind a
/// protocol (`Clients/`). Everything runs on the main actor because PushKit and CallKit deliver
/// there (the app creates both with the main queue) and a push must be reported to CallKit
/// synchronously, inside PushKit's delegate call.
///
/// The rules it keeps (DESIGN.md "Lessons", seeds/callkit-skill.md "Review checklist"):
/// - every VoIP push is reported to CallKit before its completion handler runs, even a malformed,
///   stale or cancel push; those are ended at once, each under a new UUID;
/// - one CallKit call per server call id, however many pushes and syncs name it; the CallKit UUID
///   is the call id both ways (a call to the console is started under the CallKit UUID);
/// - a cancel that arrives before its call is remembered, and the call is ended when it comes;
/// - every provider action is fulfilled or failed;
/// - call audio starts only in `didActivate` and stops in `didDeactivate`;
/// - `call:start` and state changes (`call:report`, seq per call from 1) are queued and retried;
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
    let microphone: any MicrophoneProtocol
    let backgroundTasks: any BackgroundTaskProtocol
    let outboxStore: any OutboxStoreProtocol
    let camera: any CameraProtocol
    let videoViews: any VideoViewsProtocol
    public var configuration: CompanionConfiguration {
        didSet {
            guard configuration.deviceId != oldValue.deviceId else { return }
            // Another device record (paired again, or unpaired): it has no token until this phone
            // sends it, and requests queued for the previous record mean nothing to it.
            outbox.removeAll()
            tokenAcknowledgedFor = nil
            permissionsAcknowledged = nil
            updateStatus {
                $0.tokenAcknowledged = false
                $0.microphoneReported = false
                $0.connectionProblem = nil
            }
        }
    }

    // MARK: - State

    /// By CallKit UUID (= call id).
    var calls: [UUID: CompanionCall] = [:]
    var ended = EndedCallMemory()
    let tracker = WorkTracker()
    lazy var outbox: RequestOutbox = {
        let outbox = RequestOutbox(
            server: server,
            clock: clock,
            tracker: tracker,
            timeout: configuration.requestTimeout,
            urgentTimeout: configuration.urgentTimeout,
            store: outboxStore,
            backgroundTasks: backgroundTasks,
            onDelivered: { [weak self] item, ack, data in self?.delivered(item, ack, data) }
        )
        outbox.onIdle = { [weak self] in self?.closeIfIdle() }
        return outbox
    }()
    /// The app is in the background (or was launched there by a push).
    var inBackground = false
    var syncsInFlight = 0
    /// The device record that acknowledged the current VoIP token (`status.voipToken`); until it
    /// is this phone's current record, the token goes out on every connect.
    var tokenAcknowledgedFor: String?
    /// The device record and permission the server acknowledged (`permissions:report`).
    var permissionsAcknowledged: (deviceId: String, microphone: MicrophonePermission)?
    /// Calls whose media engine waits for ICE servers (`rtc:ice`), with the deadline after which
    /// it goes on with its configured ones.
    var iceWanted: [CallID: any ScheduledWork] = [:]
    var iceFetching: Set<CallID> = []
    /// Resumed at the next connect: requests that need the socket (unpair) wait here.
    var connectWaiters: [@MainActor () -> Void] = []
    private(set) var started = false
    /// What `videoViews` shows, so that it is told only of changes.
    var lastVideoPresentation: VideoPresentation?

    public private(set) var status: CompanionStatus {
        didSet { if status != oldValue { onStatusChange?(status) } }
    }

    /// Called on every change of `status` (the app's Status and Recents screens observe it).
    public var onStatusChange: (@MainActor (CompanionStatus) -> Void)?
    /// Called when a call joins the recents, for the app to store them (UserDefaults): only then,
    /// not on every status change, which pushes and calls cause many of.
    public var onRecentsChange: (@MainActor ([RecentCall]) -> Void)?
    /// `directory:changed`: the app fetches the directory and reloads the Call Directory extension.
    public var onDirectoryChanged: (@MainActor (Int) -> Void)?
    /// The server no longer knows this phone (unpaired or revoked from the console): the app
    /// forgets its credentials and shows pairing with this message.
    public var onUnpairedByServer: (@MainActor (String) -> Void)?
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
        microphone: any MicrophoneProtocol,
        camera: any CameraProtocol,
        videoViews: any VideoViewsProtocol,
        backgroundTasks: any BackgroundTaskProtocol = NoBackgroundTasks(),
        outboxStore: any OutboxStoreProtocol = MemoryOutboxStore(),
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
        self.microphone = microphone
        self.camera = camera
        self.videoViews = videoViews
        self.backgroundTasks = backgroundTasks
        self.outboxStore = outboxStore
        var status = CompanionStatus(apnsEnvironment: configuration.apnsEnvironment)
        status.recents = recents
        status.microphone = microphone.permission
        status.camera = camera.permission
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

    // MARK: - App lifecycle

    /// The app came to the foreground: connect, and sync once connected. The microphone
    /// permission is read again: the user may have changed it in Settings meanwhile.
    public func appDidBecomeActive() {
        inBackground = false
        microphoneMayHaveChanged()
        cameraMayHaveChanged()
        for call in calls.values { video(call, .background(false)) }
        wake()
    }

    /// The app went to the background, or was launched there (by a VoIP push). The socket stays
    /// only as long as a call or a request needs it: iOS suspends the app soon after, and a
    /// suspended app's socket looks connected long after it died. Calls ring through pushes.
    public func appDidEnterBackground() {
        inBackground = true
        for call in calls.values { video(call, .background(true)) }
        closeIfIdle()
    }

    /// Pairing succeeded (first time or again): the new device record is told the VoIP token as
    /// soon as the socket, which the app has pointed at it, connects.
    public func didPair(deviceId: String) {
        configuration.deviceId = deviceId
        microphoneMayHaveChanged()
        wake()
    }

    public func didUnpair() {
        configuration.deviceId = nil
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

    /// In the background, closes the socket once no call, request or sync needs it.
    func closeIfIdle() {
        guard inBackground, calls.isEmpty, outbox.isIdle, syncsInFlight == 0, connectWaiters.isEmpty, server.isConnected
        else { return }
        server.disconnect()
    }

    /// The call a server message (broadcast, sync result, signal) names. An outgoing call still
    /// `.starting` is left out: it belongs to its `call:start`, whose ack (retried if need be)
    /// returns the call as it is by then; a sync would call it unknown, hence over.
    func call(_ id: CallID) -> CompanionCall? {
        guard let call = calls[id.uuid], call.phase != .starting else { return nil }
        return call
    }

    /// Queues a `call:report`. Behind a `call:start` still queued for the same call, it goes out
    /// after it (the outbox keeps order).
    func report(_ call: CompanionCall, _ event: DeviceReportEvent, reason: EndReason? = nil, urgent: Bool = false) {
        let report = CallReport(callId: call.id, event: event, reason: reason, at: clock.nowMs, seq: call.takeSeq())
        guard let payload = try? JSONEncoder().encode(report) else { return }
        outbox.enqueue(.callReport, payload: payload, callId: call.id, urgent: urgent)
    }

    /// Forgets a call that is over on this phone (CallKit has been told already).
    func finish(_ call: CompanionCall, reason: EndReason?) {
        call.deadline?.cancel()
        call.deadline = nil
        calls[call.uuid] = nil
        ended.remember(call.id, reason: reason)
        iceWanted.removeValue(forKey: call.id)?.cancel()
        endVideo(call)
        media.close(callId: call.id)
        presentVideo()
        let recent = RecentCall(
            id: call.uuid,
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
        onRecentsChange?(status.recents)
        closeIfIdle()
    }

    /// Ends a call because the server (or its deadline) says it is over: CallKit is told with the
    /// matching reason. A call CallKit is still registering is ended as soon as it is registered.
    func endFromServer(_ id: CallID, reason: EndReason?) {
        guard let call = call(id) else {
            // Not shown here (a call still starting is left to its `call:start` ack): remembered,
            // so that a late push for it is ended at once.
            if calls[id.uuid] == nil { ended.remember(id, reason: reason) }
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
