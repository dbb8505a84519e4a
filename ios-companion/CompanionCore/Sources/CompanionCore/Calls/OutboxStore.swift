import Foundation

/// A report waiting for the server, as kept on disk: what to send, in order.
public struct StoredRequest: Codable, Equatable, Sendable {
    public var event: String
    public var payload: Data
    public var callId: CallID?

    public init(event: String, payload: Data, callId: CallID?) {
        self.event = event
        self.payload = payload
        self.callId = callId
    }
}

/// Keeps the reports the server has not acknowledged across a suspended or killed app: iOS may
/// suspend the app the moment the user declines from the lock screen, and a report kept only in
/// memory would never reach the server, which would go on ringing this phone.
@MainActor
public protocol OutboxStoreProtocol: AnyObject {
    func load() -> [StoredRequest]
    func save(_ requests: [StoredRequest])
}

/// One small JSON file, replaced atomically on every change (a crash mid-write leaves the old file).
@MainActor
public final class FileOutboxStore: OutboxStoreProtocol {
    private let url: URL
    /// Diagnostics: a failed write is logged, never thrown into the call flow.
    public var log: (@MainActor (String) -> Void)?

    public init(url: URL) {
        self.url = url
    }

    public func load() -> [StoredRequest] {
        guard let data = try? Data(contentsOf: url) else { return [] }
        guard let requests = try? JSONDecoder().decode([StoredRequest].self, from: data) else {
            log?("outbox file unreadable; starting empty")
            return []
        }
        return requests
    }

    public func save(_ requests: [StoredRequest]) {
        do {
            if requests.isEmpty {
                if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
                return
            }
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try JSONEncoder().encode(requests).write(to: url, options: .atomic)
        } catch {
            log?("outbox not saved: \(error)")
        }
    }
}

/// Keeps nothing (tests that are not about persistence).
@MainActor
public final class MemoryOutboxStore: OutboxStoreProtocol {
    public private(set) var saved: [StoredRequest]
    public private(set) var saves = 0

    public init(_ requests: [StoredRequest] = []) {
        saved = requests
    }

    public func load() -> [StoredRequest] { saved }

    public func save(_ requests: [StoredRequest]) {
        saves += 1
        saved = requests
    }
}
