import Foundation

/// The transactions the app asks of `CXCallController` (one action each).
public enum CallTransaction: Equatable, Sendable {
    case start(uuid: UUID, handle: CallHandle, video: Bool)
    case end(uuid: UUID)
    case setHeld(uuid: UUID, onHold: Bool)
    case setMuted(uuid: UUID, muted: Bool)
}

/// `CXCallController`: user-initiated changes go through the system, which then calls the
/// provider delegate with the matching action.
@MainActor
public protocol CallControllerProtocol: AnyObject {
    func request(_ transaction: CallTransaction, completion: @escaping @MainActor @Sendable ((any Error)?) -> Void)
}
