import Foundation

// MARK: - The extension's context

/// `CXCallDirectoryExtensionContext`, as far as loading entries goes.
public protocol CallDirectoryContextProtocol: AnyObject {
    func addBlockingEntry(_ number: DirectoryPhoneNumber)
    func addIdentificationEntry(_ number: DirectoryPhoneNumber, label: String)
    func removeBlockingEntry(_ number: DirectoryPhoneNumber)
    func removeIdentificationEntry(_ number: DirectoryPhoneNumber)
    func removeAllBlockingEntries()
    func removeAllIdentificationEntries()
}

// MARK: - What the app leaves for the extension

/// Written by the app to the app group container after each `directory:changed`; read by the
/// Call Directory extension, which runs in its own process.
public struct CallDirectoryStore: Codable, Equatable, Sendable {
    public var current: CallDirectoryData
    /// From the version before `current`, when there was one.
    public var changes: CallDirectoryChanges?

    public init(current: CallDirectoryData, changes: CallDirectoryChanges?) {
        self.current = current
        self.changes = changes
    }

    /// The store after the server's directory moved to `snapshot`.
    public func updated(with snapshot: DirectorySnapshot) -> CallDirectoryStore {
        let next = DirectoryBuilder.build(version: snapshot.version, entries: snapshot.entries)
        return CallDirectoryStore(current: next, changes: DirectoryBuilder.changes(from: current, to: next))
    }

    public static let empty = CallDirectoryStore(current: .empty, changes: nil)
}

// MARK: - Plan

/// The operations one extension request performs, decided from what the extension loaded last.
public struct CallDirectoryLoadPlan: Equatable, Sendable {
    public var removeAll: Bool
    public var removeBlocking: [DirectoryPhoneNumber]
    public var removeIdentification: [DirectoryPhoneNumber]
    public var addBlocking: [DirectoryPhoneNumber]
    public var addIdentification: [IdentificationEntry]
    /// The version the extension holds once the request completes.
    public var version: Int

    /// - Parameters:
    ///   - isIncremental: `context.isIncremental`: the system kept the previous entries.
    ///   - loadedVersion: what the extension completed last (`nil`: never).
    public static func make(isIncremental: Bool, loadedVersion: Int?, store: CallDirectoryStore) -> CallDirectoryLoadPlan {
        let current = store.current
        let full = CallDirectoryLoadPlan(
            removeAll: isIncremental,
            removeBlocking: [],
            removeIdentification: [],
            addBlocking: current.blocking,
            addIdentification: current.identification,
            version: current.version
        )
        guard isIncremental, let loadedVersion else { return full }
        if loadedVersion == current.version {
            return CallDirectoryLoadPlan(
                removeAll: false, removeBlocking: [], removeIdentification: [],
                addBlocking: [], addIdentification: [], version: current.version
            )
        }
        guard let changes = store.changes, changes.fromVersion == loadedVersion, changes.toVersion == current.version else {
            return full
        }
        return CallDirectoryLoadPlan(
            removeAll: false,
            removeBlocking: changes.removedBlocking,
            removeIdentification: changes.removedIdentification,
            addBlocking: changes.addedBlocking,
            addIdentification: changes.addedIdentification,
            version: current.version
        )
    }

    /// Removals first, then additions in ascending order, as CallKit requires.
    public func apply(to context: any CallDirectoryContextProtocol) {
        if removeAll {
            context.removeAllBlockingEntries()
            context.removeAllIdentificationEntries()
        }
        removeBlocking.forEach(context.removeBlockingEntry)
        removeIdentification.forEach(context.removeIdentificationEntry)
        for number in addBlocking.sorted() {
            context.addBlockingEntry(number)
        }
        for entry in addIdentification.sorted(by: { $0.number < $1.number }) {
            context.addIdentificationEntry(entry.number, label: entry.label)
        }
    }
}

// MARK: - Files

/// The app group files shared by the app (writer) and the extension (reader).
public struct CallDirectoryFiles: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    var storeURL: URL { directory.appendingPathComponent("call-directory.json") }
    var loadedURL: URL { directory.appendingPathComponent("call-directory-loaded.json") }

    public func readStore() -> CallDirectoryStore {
        guard let data = try? Data(contentsOf: storeURL),
              let store = try? JSONDecoder().decode(CallDirectoryStore.self, from: data)
        else { return .empty }
        return store
    }

    /// Atomic, so the extension never reads half a file.
    public func writeStore(_ store: CallDirectoryStore) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try JSONEncoder().encode(store).write(to: storeURL, options: .atomic)
    }

    public func readLoadedVersion() -> Int? {
        guard let data = try? Data(contentsOf: loadedURL) else { return nil }
        return try? JSONDecoder().decode(Int.self, from: data)
    }

    /// Written by the extension once `completeRequest` succeeded.
    public func writeLoadedVersion(_ version: Int) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try JSONEncoder().encode(version).write(to: loadedURL, options: .atomic)
    }
}
