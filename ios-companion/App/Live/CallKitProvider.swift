@preconcurrency import AVFAudio
@preconcurrency import CallKit
import CompanionCore
import Foundation
import UIKit

/// `CXAction` already has the two outcomes the coordinator needs.
extension CXAction: @retroactive CallActionProtocol {}

/// The app's single `CXProvider`, created at launch and kept for the app's lifetime.
/// Its delegate queue is the main queue (`queue: nil`), which is why every delegate method below
/// can assume the main actor.
@MainActor
final class CallKitProvider: NSObject, CallProviderProtocol {
    private let provider: CXProvider
    private weak var delegate: (any CallProviderDelegate)?

    override init() {
        let configuration = CXProviderConfiguration()
        // Since iOS 14 the name on the call screen is the app's CFBundleDisplayName
        // (`localizedName` became read-only), so Info.plist sets it to "Switchboard".
        // The values are CompanionCore's (tested there): no video until it is a feature.
        let wanted = CallKitConfiguration.app
        configuration.supportsVideo = wanted.supportsVideo
        configuration.includesCallsInRecents = wanted.includesCallsInRecents
        var handles: Set<CXHandle.HandleType> = []
        if wanted.supportsPhoneNumberHandles { handles.insert(.phoneNumber) }
        if wanted.supportsGenericHandles { handles.insert(.generic) }
        configuration.supportedHandleTypes = handles
        configuration.maximumCallGroups = wanted.maximumCallGroups
        configuration.maximumCallsPerCallGroup = wanted.maximumCallsPerCallGroup
        if let icon = CallKitIcon.pngData {
            configuration.iconTemplateImageData = icon
        }
        provider = CXProvider(configuration: configuration)
        super.init()
        // Set before anything can be reported: CallKit sends its answers to this delegate.
        provider.setDelegate(self, queue: nil)
    }

    func setDelegate(_ delegate: any CallProviderDelegate) {
        self.delegate = delegate
    }

    // MARK: - Reports

    func reportNewIncomingCall(
        _ update: CallUpdate,
        completion: @escaping @MainActor @Sendable (IncomingCallError?) -> Void
    ) {
        provider.reportNewIncomingCall(with: update.uuid, update: update.cxUpdate) { error in
            let mapped = error.map(Self.incomingCallError)
            Task { @MainActor in completion(mapped) }
        }
    }

    func reportCall(updated update: CallUpdate) {
        provider.reportCall(with: update.uuid, updated: update.cxUpdate)
    }

    func reportCall(_ uuid: UUID, endedAt: Date?, reason: CallEndedReason) {
        provider.reportCall(with: uuid, endedAt: endedAt, reason: reason.cxReason)
    }

    func reportOutgoingCall(_ uuid: UUID, startedConnectingAt: Date?) {
        provider.reportOutgoingCall(with: uuid, startedConnectingAt: startedConnectingAt)
    }

    func reportOutgoingCall(_ uuid: UUID, connectedAt: Date?) {
        provider.reportOutgoingCall(with: uuid, connectedAt: connectedAt)
    }

    private nonisolated static func incomingCallError(_ error: any Error) -> IncomingCallError {
        let error = error as NSError
        return IncomingCallError(domain: error.domain, code: error.code)
    }

    /// Hands an action to the coordinator, or fails it: an action is never left unresolved.
    private func forward(_ action: CXCallAction, _ kind: ProviderAction.Kind) {
        guard let delegate else { return action.fail() }
        delegate.provider(perform: ProviderAction(callUUID: action.callUUID, kind: kind, action: action))
    }

    private static func kind(of action: CXCallAction) -> ProviderAction.Kind? {
        switch action {
        case is CXAnswerCallAction: .answer
        case is CXEndCallAction: .end
        case let start as CXStartCallAction: .start(handle: CallHandle(start.handle.value), video: start.isVideo)
        case let held as CXSetHeldCallAction: .setHeld(held.isOnHold)
        case let muted as CXSetMutedCallAction: .setMuted(muted.isMuted)
        default: nil
        }
    }
}

// MARK: - CXProviderDelegate

extension CallKitProvider: CXProviderDelegate {
    nonisolated func providerDidReset(_ provider: CXProvider) {
        MainActor.assumeIsolated { delegate?.providerDidReset() }
    }

    nonisolated func provider(_ provider: CXProvider, perform action: CXAnswerCallAction) {
        MainActor.assumeIsolated { forward(action, .answer) }
    }

    nonisolated func provider(_ provider: CXProvider, perform action: CXEndCallAction) {
        MainActor.assumeIsolated { forward(action, .end) }
    }

    nonisolated func provider(_ provider: CXProvider, perform action: CXStartCallAction) {
        MainActor.assumeIsolated {
            forward(action, .start(handle: CallHandle(action.handle.value), video: action.isVideo))
        }
    }

    nonisolated func provider(_ provider: CXProvider, perform action: CXSetHeldCallAction) {
        MainActor.assumeIsolated { forward(action, .setHeld(action.isOnHold)) }
    }

    nonisolated func provider(_ provider: CXProvider, perform action: CXSetMutedCallAction) {
        MainActor.assumeIsolated { forward(action, .setMuted(action.isMuted)) }
    }

    /// Not offered (`supportsDTMF = false`, one call per group), but refused if asked.
    nonisolated func provider(_ provider: CXProvider, perform action: CXPlayDTMFCallAction) {
        action.fail()
    }

    nonisolated func provider(_ provider: CXProvider, perform action: CXSetGroupCallAction) {
        action.fail()
    }

    /// CallKit has failed the action itself: it is never fulfilled or failed again here.
    nonisolated func provider(_ provider: CXProvider, timedOutPerforming action: CXAction) {
        MainActor.assumeIsolated {
            guard let callAction = action as? CXCallAction, let kind = Self.kind(of: callAction) else { return }
            delegate?.provider(timedOutPerforming: ProviderAction(callUUID: callAction.callUUID, kind: kind, action: action))
        }
    }

    /// The only place call audio may start: WebRTC's audio unit is enabled from here.
    nonisolated func provider(_ provider: CXProvider, didActivate audioSession: AVAudioSession) {
        MainActor.assumeIsolated { delegate?.providerDidActivateAudioSession() }
    }

    nonisolated func provider(_ provider: CXProvider, didDeactivate audioSession: AVAudioSession) {
        MainActor.assumeIsolated { delegate?.providerDidDeactivateAudioSession() }
    }
}

// MARK: - Mapping

extension CallHandle {
    var cxType: CXHandle.HandleType {
        switch kind {
        case .phoneNumber: .phoneNumber
        case .generic: .generic
        }
    }
}

extension CallUpdate {
    var cxUpdate: CXCallUpdate {
        let update = CXCallUpdate()
        update.remoteHandle = CXHandle(type: handle.cxType, value: handle.value)
        update.localizedCallerName = callerName
        update.hasVideo = hasVideo
        update.supportsHolding = supportsHolding
        update.supportsGrouping = supportsGrouping
        update.supportsUngrouping = supportsUngrouping
        update.supportsDTMF = supportsDTMF
        return update
    }
}

extension CallEndedReason {
    var cxReason: CXCallEndedReason {
        switch self {
        case .failed: .failed
        case .remoteEnded: .remoteEnded
        case .unanswered: .unanswered
        case .answeredElsewhere: .answeredElsewhere
        case .declinedElsewhere: .declinedElsewhere
        }
    }
}

private enum CallKitIcon {
    /// A 40×40 pt single-colour template image named "CallKitIcon" in the asset catalog, if any.
    @MainActor static var pngData: Data? {
        UIImage(named: "CallKitIcon")?.pngData()
    }
}
