import Foundation

/// `CXProviderConfiguration`, as values the app maps one to one: decided (and tested) here.
public struct CallKitConfiguration: Equatable, Sendable {
    /// On since video is a feature (issue 27): the call screen shows a call that has video
    /// (`CXCallUpdate.hasVideo`) as one, and the Recents entry with a camera.
    public var supportsVideo: Bool
    public var includesCallsInRecents: Bool
    /// One call at a time, with the console: no grouping, no call waiting.
    public var maximumCallGroups: Int
    public var maximumCallsPerCallGroup: Int
    public var supportsPhoneNumberHandles: Bool
    public var supportsGenericHandles: Bool

    public static let app = CallKitConfiguration(
        supportsVideo: true,
        includesCallsInRecents: true,
        maximumCallGroups: 1,
        maximumCallsPerCallGroup: 1,
        supportsPhoneNumberHandles: true,
        supportsGenericHandles: true
    )
}
