@preconcurrency import CallKit
import CompanionCore
import Foundation

/// `CXCallController`: the app asks, the system answers with a provider action.
@MainActor
final class CallKitController: CallControllerProtocol {
    private let controller = CXCallController()

    func request(_ transaction: CallTransaction, completion: @escaping @MainActor @Sendable ((any Error)?) -> Void) {
        let action: CXCallAction
        switch transaction {
        case let .start(uuid, handle, video):
            let start = CXStartCallAction(call: uuid, handle: CXHandle(type: handle.cxType, value: handle.value))
            start.isVideo = video
            action = start
        case let .end(uuid):
            action = CXEndCallAction(call: uuid)
        case let .setHeld(uuid, onHold):
            action = CXSetHeldCallAction(call: uuid, onHold: onHold)
        case let .setMuted(uuid, muted):
            action = CXSetMutedCallAction(call: uuid, muted: muted)
        }
        controller.request(CXTransaction(action: action)) { error in
            Task { @MainActor in completion(error) }
        }
    }
}
