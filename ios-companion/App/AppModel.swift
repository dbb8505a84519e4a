import CompanionCore
import Foundation
import Observation
import UIKit

/// What the screens show and the few things they can ask for.
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
    @ObservationIgnored weak var environment: AppEnvironment?

    init(info: AppInfo, credentials: DeviceCredentials?) {
        self.info = info
        self.credentials = credentials
        status = CompanionStatus(apnsEnvironment: info.apnsEnvironment)
    }

    var isPaired: Bool { credentials != nil }

    // MARK: - Pairing

    /// `switchboard://pair?…` opened from the Camera app or another app.
    func handle(url: URL) {
        guard let link = PairingLink.parse(url.absoluteString) else { return }
        pair(link)
    }

    /// From the QR scanner or the manual form.
    func pair(_ link: PairingLink) {
        guard pairingState != .pairing else { return }
        guard PairRequest.isPlausible(code: link.code) else {
            pairingState = .failed(PairingProblem.implausibleCode.message)
            return
        }
        pairingState = .pairing
        Task {
            do {
                let credentials = try await PairingClient().pair(link, info: info)
                try environment?.didPair(credentials)
                self.credentials = credentials
                pairingState = .idle
            } catch let problem as PairingProblem {
                pairingState = .failed(problem.message)
            } catch {
                // The network's own words ("The request timed out.", "A server with the specified
                // hostname could not be found.").
                pairingState = .failed(error.localizedDescription)
            }
        }
    }

    func unpair() {
        environment?.unpair()
        credentials = nil
    }

    // MARK: - Calls

    func callConsole(video: Bool) {
        environment?.coordinator.startCall(video: video)
    }

    func end(_ uuid: UUID) { environment?.coordinator.endCall(uuid) }
    func hold(_ uuid: UUID, _ on: Bool) { environment?.coordinator.setHeld(uuid, on) }
    func mute(_ uuid: UUID, _ on: Bool) { environment?.coordinator.setMuted(uuid, on) }
    var activeCalls: [UUID] { environment?.coordinator.activeCallUUIDs ?? [] }
}
