import Foundation

/// What the app does with the directory it fetched after `directory:changed` (or at launch, or
/// back in the foreground): write it to the app group when it is new, and ask CallKit to reload
/// the extension while the extension does not hold it yet. The extension records the version it
/// completed (`CallDirectoryFiles.writeLoadedVersion`), so a reload that failed, or was skipped
/// because the extension was off in Settings, is tried again at the next refresh even when the
/// server's version has not moved.
public struct DirectoryRefreshPlan: Equatable, Sendable {
    /// The store to write, or `nil` when the one there is the server's version.
    public var store: CallDirectoryStore?
    public var reload: Bool

    public init(store: CallDirectoryStore?, reload: Bool) {
        self.store = store
        self.reload = reload
    }

    public static func make(snapshot: DirectorySnapshot, stored: CallDirectoryStore, loadedVersion: Int?) -> DirectoryRefreshPlan {
        // Version 0 is also what a missing store reads as: write it rather than guess.
        let write = snapshot.version != stored.current.version || stored.current.version == 0
        let next = write ? stored.updated(with: snapshot) : stored
        return DirectoryRefreshPlan(store: write ? next : nil, reload: loadedVersion != next.current.version)
    }
}
