import Foundation
import Testing
@testable import CompanionCore

/// What the app does with a directory it fetched: write it for the extension when it is new, and
/// ask CallKit to reload the extension until the extension reports that it loaded it.
@Suite("Call Directory refresh: written when new, reloaded until the extension has it")
struct DirectoryRefreshTests {
    static func snapshot(_ version: Int) -> DirectorySnapshot {
        DirectorySnapshot(version: version, entries: [DirectoryEntry(number: "+15551234567", label: "Support", blocked: false)])
    }

    static let stored3 = CallDirectoryStore.empty.updated(with: snapshot(3))

    @Test("a reload that failed is retried though the version did not change")
    func retriedAfterFailure() {
        // Version 3 was written, but the extension still holds 2: the reload failed or was skipped.
        let plan = DirectoryRefreshPlan.make(snapshot: Self.snapshot(3), stored: Self.stored3, loadedVersion: 2)
        #expect(plan.store == nil)
        #expect(plan.reload)
        #expect(DirectoryRefreshPlan.make(snapshot: Self.snapshot(3), stored: Self.stored3, loadedVersion: nil).reload)
    }

    @Test("nothing to do when the store and the extension hold the server's version")
    func upToDate() {
        let plan = DirectoryRefreshPlan.make(snapshot: Self.snapshot(3), stored: Self.stored3, loadedVersion: 3)
        #expect(plan == DirectoryRefreshPlan(store: nil, reload: false))
    }

    @Test("a new version is written with its changes, then reloaded")
    func newVersion() {
        let plan = DirectoryRefreshPlan.make(snapshot: Self.snapshot(4), stored: Self.stored3, loadedVersion: 3)
        #expect(plan.store == Self.stored3.updated(with: Self.snapshot(4)))
        #expect(plan.store?.changes?.fromVersion == 3)
        #expect(plan.reload)
    }

    @Test("the first fetch is written and loaded, even the server's empty version 0")
    func firstFetch() {
        let empty = DirectorySnapshot(version: 0, entries: [])
        let plan = DirectoryRefreshPlan.make(snapshot: empty, stored: .empty, loadedVersion: nil)
        #expect(plan.store != nil)
        #expect(plan.reload)
        #expect(!DirectoryRefreshPlan.make(snapshot: empty, stored: .empty, loadedVersion: 0).reload)
    }
}
