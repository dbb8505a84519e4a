import Foundation

/// Constants of the wire protocol, mirrored from `shared/src/version.ts` and `shared/src/push.ts`.
public enum WireProtocol {
    /// `PROTOCOL_VERSION`: travels in every VoIP push as `v`. A test pins it, so a bump is deliberate.
    public static let version = 2

    /// APNs refuses VoIP payloads over 5120 bytes (UTF-8, the whole JSON body).
    public static let voipPayloadLimit = 5120

    /// The push payload's own top-level key (VoIP pushes carry no `aps` alert).
    public static let pushKey = "switchboard"

    /// `deviceRequests['call:sync']` accepts at most 50 ids.
    public static let maxSyncCallIDs = 50

    /// `MAX_TRANSFERS` (`shared/src/transfer-schema.ts`): a call carries at most this many.
    public static let maxTransfers = 20
}

/// The device → server requests (`deviceRequests` in `shared/src/events.ts`).
public enum DeviceRequestName: String, Sendable, CaseIterable {
    case deviceUpdate = "device:update"
    case callReport = "call:report"
    case callStart = "call:start"
    case callSync = "call:sync"
    case rtcSignal = "rtc:signal"
    case rtcIce = "rtc:ice"
    case permissionsReport = "permissions:report"
    case deviceUnpair = "device:unpair"
    /// What this end of a call heard (issue 25 item 8), during the call and when its media closes.
    case qualityReport = "quality:report"
    /// What the person did with the call's video (issue 27).
    case videoReport = "video:report"
}

/// The server → device broadcasts (`deviceBroadcasts` in `shared/src/events.ts`).
public enum DeviceBroadcastName: String, Sendable, CaseIterable {
    case callCancelled = "call:cancelled"
    case callChanged = "call:changed"
    case directoryChanged = "directory:changed"
    case rtcSignal = "rtc:signal"
    case videoChanged = "video:changed"
    case videoMarker = "video:marker"
}
