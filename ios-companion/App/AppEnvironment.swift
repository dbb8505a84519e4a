import CompanionCore
import Foundation
import Intents
import UIKit

/// The composition root: the only place that picks the live clients. Everything it wires is
/// tested in CompanionCore against test clients.
@MainActor
final class AppEnvironment {
    let model: AppModel
    let coordinator: CallCoordinator
    let server: SocketServerConnection
    let directory: DirectoryService
    let keychain: KeychainStore
    /// The WebRTC engine, for the video views' renderers (the local preview, the agent's camera).
    let media: WebRTCMediaEngine
    private let videoViews: LiveVideoViews
    private let callProvider: CallKitProvider
    private let pushRegistry: PushKitRegistry
    private var started = false

    static func live() -> AppEnvironment {
        AppEnvironment(info: AppInfo.current)
    }

    init(info: AppInfo) {
        let keychain = KeychainStore(service: "\(info.bundleId).device")
        let credentials = keychain.load()
        // Both are created now, with the app, and kept for its lifetime.
        let callProvider = CallKitProvider()
        let pushRegistry = PushKitRegistry()
        let server = SocketServerConnection()
        let microphone = LiveMicrophone()
        let model = AppModel(info: info, credentials: credentials, microphone: microphone.permission)
        // ICE servers (and minted TURN credentials) come from the server per call, asked by
        // the coordinator over a connected socket; the configured ones are the fallback.
        let media = WebRTCMediaEngine(iceServers: info.iceServers)
        let videoViews = LiveVideoViews()
        self.media = media
        self.videoViews = videoViews
        self.keychain = keychain
        self.callProvider = callProvider
        self.pushRegistry = pushRegistry
        self.server = server
        self.model = model
        directory = DirectoryService(
            files: CallDirectoryFiles(directory: info.appGroupDirectory),
            extensionIdentifier: info.callDirectoryExtensionId
        )
        let outbox = FileOutboxStore(url: info.outboxFile)
        outbox.log = { message in AppLog.calls.error("\(message, privacy: .public)") }
        coordinator = CallCoordinator(
            configuration: CompanionConfiguration(
                deviceId: credentials?.deviceId,
                apnsEnvironment: info.apnsEnvironment,
                appVersion: info.appVersion,
                osVersion: info.osVersion
            ),
            provider: callProvider,
            controller: CallKitController(),
            pushRegistry: pushRegistry,
            audio: CallAudioSession(),
            media: media,
            server: server,
            clock: SystemClock(),
            microphone: microphone,
            camera: LiveCamera(engine: media),
            videoViews: videoViews,
            backgroundTasks: LiveBackgroundTasks(),
            outboxStore: outbox,
            recents: RecentsStore.load()
        )
        model.environment = self
    }

    func start() {
        guard !started else { return }
        started = true
        coordinator.log = { message in AppLog.calls.notice("\(message, privacy: .public)") }
        coordinator.onStatusChange = { [weak self] status in self?.model.status = status }
        coordinator.onRecentsChange = { recents in RecentsStore.save(recents) }
        coordinator.onDirectoryChanged = { [weak self] _ in self?.refreshDirectory() }
        coordinator.onUnpairedByServer = { [weak self] message in self?.forget(because: message) }
        videoViews.onPresent = { [weak self] presentation in self?.model.video = presentation }
        model.status = coordinator.status
        coordinator.start()
        // Launched by a VoIP push: no screen, and the socket must not outlive the call.
        if UIApplication.shared.applicationState == .background { coordinator.appDidEnterBackground() }
        if let credentials = model.credentials {
            server.configure(credentials)
            refreshDirectory()
            Task { await videoViews.requestAuthorization() }
        }
    }

    func appDidBecomeActive() {
        coordinator.appDidBecomeActive()
        // Also retries a reload that failed, e.g. before the user switched the extension on.
        refreshDirectory()
    }

    func appDidEnterBackground() {
        coordinator.appDidEnterBackground()
    }

    // MARK: - Pairing

    func didPair(_ credentials: DeviceCredentials) throws {
        try keychain.save(credentials)
        // The socket first: the coordinator connects it and sends the VoIP token to the new record.
        server.configure(credentials)
        coordinator.didPair(deviceId: credentials.deviceId)
        refreshDirectory(credentials)
        Task { await videoViews.requestAuthorization() }
    }

    /// The app's Unpair: the server is told first (`device:unpair`), so it stops ringing this phone.
    func unpair() async -> UnpairOutcome {
        let outcome = await coordinator.unpair()
        if outcome == .unpaired { forget(because: nil) }
        return outcome
    }

    /// Unpair here although the server could not be told (the person chose to): an admin removes
    /// the phone from the console.
    func unpairLocally() {
        coordinator.forgetPairing()
        forget(because: nil)
    }

    /// Forgets the pairing here: the Keychain item, the socket, the screens' state.
    private func forget(because message: String?) {
        keychain.delete()
        server.configure(nil)
        model.didForgetPairing(message)
    }

    // MARK: - Calls from the Phone app's Recents and Siri

    /// Audio first, whatever the intent asks: video is an upgrade during the call.
    @discardableResult
    func handleStartCall(_ activity: NSUserActivity) -> Bool {
        guard activity.interaction?.intent is INStartCallIntent, model.credentials != nil else { return false }
        coordinator.startCall()
        return true
    }

    // MARK: - Call Directory

    func refreshDirectory(_ credentials: DeviceCredentials? = nil) {
        guard let credentials = credentials ?? model.credentials else { return }
        Task {
            if await directory.refresh(credentials: credentials) == .unpaired {
                forget(because: CallCoordinator.unpairedByServerMessage)
            }
        }
    }
}
