import CompanionCore
import Foundation
import Observation
import UIKit

/// What the screens show and the few things they can ask for. The decisions (which step comes
/// next, whether a scanned code starts a pairing, what a link's server may be) are CompanionCore's.
@MainActor
@Observable
final class AppModel {
    enum PairingState: Equatable {
        case idle
        case pairing
        case failed(String)
    }

    let info: AppInfo
    private(set) var credentials: DeviceCredentials?
    var status: CompanionStatus
    var pairingState = PairingState.idle
    /// The phone's name as the person typed it (prefilled with the model's name).
    var deviceName: String
    /// The person chose "Not now" on the microphone screen: the Status screen keeps warning.
    var microphoneDeferred = false
    /// Why the app is back on the pairing screen (unpaired from the console), until paired again.
    var unpairedNotice: String?
    /// The call's video screen, as CompanionCore decided it (nil: no video to show).
    var video: VideoPresentation?
    @ObservationIgnored weak var environment: AppEnvironment?
    @ObservationIgnored private var scanGate = PairingScanGate()

    init(info: AppInfo, credentials: DeviceCredentials?, microphone: MicrophonePermission) {
        self.info = info
        self.credentials = credentials
        deviceName = info.suggestedName
        var status = CompanionStatus(apnsEnvironment: info.apnsEnvironment)
        status.microphone = microphone
        self.status = status
    }

    var isPaired: Bool { credentials != nil }

    var step: OnboardingStep {
        Onboarding.step(isPaired: isPaired, microphone: status.microphone, microphoneDeferred: microphoneDeferred)
    }

    // MARK: - Pairing

    /// `switchboard://pair?…` opened from the Camera app or another app.
    func handle(url: URL) {
        scanned(url.absoluteString)
    }

    /// A code the camera read: the gate ignores repeats while pairing, and a failed code until
    /// the person asks to scan again.
    func scanned(_ value: String) {
        guard scanGate.shouldPair(value) else { return }
        switch PairingLink.read(value) {
        case let .success(link): pair(link)
        case let .failure(problem):
            pairingState = .failed(problem.message)
            scanGate.finished()
        }
    }

    /// "Scan again" after a failure.
    func scanAgain() {
        scanGate.retry()
        pairingState = .idle
    }

    /// From the manual form (or a scanned link).
    func pair(_ link: PairingLink) {
        guard pairingState != .pairing else { return }
        guard PairRequest.isPlausible(code: link.code) else {
            pairingState = .failed(PairingProblem.implausibleCode.message)
            return
        }
        if let problem = PairingLink.serverProblem(link.server) {
            pairingState = .failed(problem.message)
            scanGate.finished()
            return
        }
        pairingState = .pairing
        Task {
            defer { scanGate.finished() }
            do {
                let credentials = try await PairingClient().pair(link, name: deviceName, info: info)
                try environment?.didPair(credentials)
                self.credentials = credentials
                unpairedNotice = nil
                pairingState = .idle
            } catch let problem as PairingProblem {
                pairingState = .failed(problem.message)
            } catch {
                // The network's own words ("The request timed out."), or the pinning refusal.
                pairingState = .failed(error.localizedDescription)
            }
        }
    }

    // MARK: - Microphone

    func allowMicrophone() {
        Task { _ = await environment?.coordinator.requestMicrophone() }
    }

    func openSettings() {
        guard let url = URL(string: UIApplication.openSettingsURLString) else { return }
        UIApplication.shared.open(url)
    }

    // MARK: - Unpairing

    func unpair() async -> UnpairOutcome {
        await environment?.unpair() ?? .serverUnreachable
    }

    func unpairLocally() {
        environment?.unpairLocally()
    }

    /// The pairing is gone (here, or on the server): back to the pairing screen.
    func didForgetPairing(_ notice: String?) {
        credentials = nil
        unpairedNotice = notice
        pairingState = .idle
        scanGate = PairingScanGate()
    }

    // MARK: - Calls

    func callConsole() {
        environment?.coordinator.startCall()
    }

    func end(_ uuid: UUID) { environment?.coordinator.endCall(uuid) }
    func hold(_ uuid: UUID, _ on: Bool) { environment?.coordinator.setHeld(uuid, on) }
    func mute(_ uuid: UUID, _ on: Bool) { environment?.coordinator.setMuted(uuid, on) }
    var activeCalls: [UUID] { environment?.coordinator.activeCallUUIDs ?? [] }

    // MARK: - Video

    func acceptVideo(_ uuid: UUID) { environment?.coordinator.acceptVideo(uuid) }
    func declineVideo(_ uuid: UUID) { environment?.coordinator.declineVideo(uuid) }
    func startVideo(_ uuid: UUID) { environment?.coordinator.startVideo(uuid) }
    func stopVideo(_ uuid: UUID) { environment?.coordinator.stopVideo(uuid) }
    func pauseVideo(_ uuid: UUID, _ on: Bool) {
        if on { environment?.coordinator.pauseVideo(uuid) } else { environment?.coordinator.resumeVideo(uuid) }
    }
    func switchCamera(_ uuid: UUID) { environment?.coordinator.switchCamera(uuid) }
}
