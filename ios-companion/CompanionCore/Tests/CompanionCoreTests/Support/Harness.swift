import Foundation
import Testing
@testable import CompanionCore

/// A coordinator wired to test clients, started as the app starts it at launch.
@MainActor
final class Harness {
    static let deviceId = "dev_iphone"

    let clock = TestClock()
    let provider = TestCallProvider()
    let controller = TestCallController()
    let registry = TestPushRegistry()
    let audio = TestAudioSession()
    let media = TestMediaEngine()
    let server = TestServerConnection()
    let microphone: TestMicrophone
    let camera: TestCamera
    let videoViews = TestVideoViews()
    let backgroundTasks = TestBackgroundTasks()
    let outboxStore: MemoryOutboxStore
    let coordinator: CallCoordinator
    /// The provider's events at the moment the push registry was registered.
    private(set) var providerEventsAtRegistration: [TestCallProvider.Event]?

    init(
        deviceId: String? = Harness.deviceId,
        connected: Bool = true,
        microphone: MicrophonePermission = .granted,
        camera: CameraPermission = .granted,
        stored: [StoredRequest] = []
    ) {
        self.microphone = TestMicrophone(microphone)
        self.camera = TestCamera(camera)
        outboxStore = MemoryOutboxStore(stored)
        coordinator = CallCoordinator(
            configuration: CompanionConfiguration(
                deviceId: deviceId,
                apnsEnvironment: .sandbox,
                appVersion: "1.0.0 (12)",
                osVersion: "18.1"
            ),
            provider: provider,
            controller: controller,
            pushRegistry: registry,
            audio: audio,
            media: media,
            server: server,
            clock: clock,
            microphone: self.microphone,
            camera: self.camera,
            videoViews: videoViews,
            backgroundTasks: backgroundTasks,
            outboxStore: outboxStore
        )
        server.clock = clock
        registry.onRegister = { [unowned self] in providerEventsAtRegistration = provider.events }
        coordinator.start()
        if connected { server.simulateConnect() }
    }

    /// One delivered push: whether PushKit's completion ran, and how many calls had been
    /// reported to CallKit by then.
    final class Delivery {
        var completions = 0
        var reportsAtCompletion: Int?
    }

    @discardableResult
    func push(_ payload: Data) -> Delivery {
        let delivery = Delivery()
        let before = provider.reportedIncoming.count
        guard let delegate = registry.delegate else {
            Issue.record("no push registry delegate")
            return delivery
        }
        delegate.pushRegistry(didReceivePush: payload) { [provider] in
            delivery.completions += 1
            delivery.reportsAtCompletion = provider.reportedIncoming.count - before
        }
        return delivery
    }

    @discardableResult
    func push(_ content: PushContent) -> Delivery {
        push(try! JSONEncoder().encode(PushPayload(content)))
    }

    func settle() async {
        await coordinator.settle()
    }

    /// Lets the main actor run until `condition` holds: for work that cannot settle (a request
    /// hanging on a half-dead socket) and must be under way before the clock moves.
    func yieldUntil(_ condition: () -> Bool, limit: Int = 10_000) async {
        var turns = 0
        while !condition(), turns < limit {
            await Task.yield()
            turns += 1
        }
        if !condition() { Issue.record("still not there after \(limit) turns") }
    }

    /// A call push due to ring for another 45 s.
    func callPush(
        _ id: CallID = CallID(UUID()),
        handle: String = "+15551234567",
        callerName: String = "Support · Alice",
        video: Bool = false,
        ringFor: Duration = .seconds(45)
    ) -> PushContent {
        .call(CallPush(
            callId: id,
            handle: handle,
            callerName: callerName,
            video: video,
            sentAt: clock.nowMs,
            ringUntil: clock.nowMs + Int64(ringFor.timeInterval * 1000)
        ))
    }

    /// Rings a call and lets its `reported` reach the server.
    func ring(_ id: CallID = CallID(UUID()), video: Bool = false) async -> CallID {
        push(callPush(id, video: video))
        await settle()
        return id
    }

    /// Rings and answers a call.
    func answered(_ id: CallID = CallID(UUID())) async -> CallID {
        _ = await ring(id)
        provider.perform(.answer, on: id.uuid)
        await settle()
        return id
    }
}

/// A call as the server would send it, built from the fixture and adjusted.
@MainActor
func serverCall(
    _ id: CallID,
    direction: CallDirection = .outbound,
    state: CallState = .ringing,
    legs: [Leg] = [Leg(deviceId: Harness.deviceId, state: .ringing)],
    endReason: EndReason? = nil,
    ringUntil: Int64
) throws -> Call {
    var call = try Fixtures.decode(Call.self, kind: "call", file: "valid-outbound-ringing.json")
    call.id = id
    call.direction = direction
    call.state = state
    call.devices = legs
    call.endReason = endReason
    call.ringUntil = ringUntil
    return call
}
