import Foundation
import Testing
@testable import CompanionCore

/// A `CXCallDirectoryExtensionContext` that enforces CallKit's rule: within one request, each
/// kind of entry is added in strictly ascending order.
final class TestDirectoryContext: CallDirectoryContextProtocol {
    private(set) var blocking: Set<DirectoryPhoneNumber>
    private(set) var identification: [DirectoryPhoneNumber: String]
    private var lastBlocking: DirectoryPhoneNumber?
    private var lastIdentification: DirectoryPhoneNumber?

    init(_ data: CallDirectoryData = .empty) {
        blocking = Set(data.blocking)
        identification = Dictionary(uniqueKeysWithValues: data.identification.map { ($0.number, $0.label) })
    }

    func addBlockingEntry(_ number: DirectoryPhoneNumber) {
        if let last = lastBlocking, number <= last { Issue.record("blocking \(number) added after \(last)") }
        lastBlocking = number
        blocking.insert(number)
    }

    func addIdentificationEntry(_ number: DirectoryPhoneNumber, label: String) {
        if let last = lastIdentification, number <= last { Issue.record("identification \(number) added after \(last)") }
        if identification[number] != nil { Issue.record("identification \(number) added twice") }
        lastIdentification = number
        identification[number] = label
    }

    func removeBlockingEntry(_ number: DirectoryPhoneNumber) { blocking.remove(number) }
    func removeIdentificationEntry(_ number: DirectoryPhoneNumber) { identification[number] = nil }
    func removeAllBlockingEntries() { blocking = [] }
    func removeAllIdentificationEntries() { identification = [:] }

    func matches(_ data: CallDirectoryData) -> Bool {
        blocking == Set(data.blocking)
            && identification == Dictionary(uniqueKeysWithValues: data.identification.map { ($0.number, $0.label) })
    }
}

@Suite("Call Directory: ascending Int64 numbers, merged, complete and incremental")
struct DirectoryBuilderTests {
    static func entry(_ number: String, _ label: String?, blocked: Bool = false) -> DirectoryEntry {
        DirectoryEntry(number: number, label: label, blocked: blocked)
    }

    @Test("E.164 becomes the digits as Int64; anything else is skipped")
    func phoneNumbers() {
        #expect(DirectoryBuilder.phoneNumber(e164: "+15551234567") == 15_551_234_567)
        #expect(DirectoryBuilder.phoneNumber(e164: "+447700900123") == 447_700_900_123)
        #expect(DirectoryBuilder.phoneNumber(e164: "+999999999999999") == 999_999_999_999_999)
        #expect(DirectoryBuilder.phoneNumber(e164: "555-1234") == nil)
        #expect(DirectoryBuilder.phoneNumber(e164: "+0123") == nil)
    }

    @Test("the fixture directory builds sorted lists")
    func fixture() throws {
        let set = try Fixtures.decode(DirectorySet.self, kind: "directory-set", file: "valid-basic.json")
        let data = DirectoryBuilder.build(version: 1, entries: set.entries)
        #expect(data.blocking == [15_550_000_000])
        #expect(data.identification == [IdentificationEntry(number: 15_551_234_567, label: "Switchboard Support")])
    }

    @Test("both lists are strictly ascending whatever the server's order")
    func ascending() {
        let entries = [
            Self.entry("+447700900123", "UK office", blocked: true),
            Self.entry("+15551234567", "Support"),
            Self.entry("+33123456789", nil, blocked: true),
            Self.entry("+15550000001", "Desk", blocked: true),
            Self.entry("+4915112345678", "Berlin"),
        ]
        let data = DirectoryBuilder.build(version: 3, entries: entries)
        #expect(data.blocking == [15_550_000_001, 33_123_456_789, 447_700_900_123])
        #expect(data.identification.map(\.number) == [15_550_000_001, 15_551_234_567, 447_700_900_123, 4_915_112_345_678])
    }

    @Test("duplicates merge: blocked if any entry is, the first label wins, each list holds a number once")
    func merge() {
        let data = DirectoryBuilder.build(version: 1, entries: [
            Self.entry("+15551234567", nil),
            Self.entry("+15551234567", "First"),
            Self.entry("+15551234567", "Second", blocked: true),
            Self.entry("+15551234567", "Third"),
            Self.entry("+15550000000", "  "),
        ])
        #expect(data.blocking == [15_551_234_567])
        #expect(data.identification == [IdentificationEntry(number: 15_551_234_567, label: "First")])
    }

    @Test("changes list additions and removals; a new label is a removal and an addition")
    func changes() {
        let old = DirectoryBuilder.build(version: 1, entries: [
            Self.entry("+15550000001", "Keep"),
            Self.entry("+15550000002", "Rename me"),
            Self.entry("+15550000003", nil, blocked: true),
            Self.entry("+15550000004", "Drop"),
        ])
        let new = DirectoryBuilder.build(version: 2, entries: [
            Self.entry("+15550000001", "Keep"),
            Self.entry("+15550000002", "Renamed"),
            Self.entry("+15550000005", "New", blocked: true),
        ])
        let changes = DirectoryBuilder.changes(from: old, to: new)
        #expect(changes.fromVersion == 1)
        #expect(changes.toVersion == 2)
        #expect(changes.removedBlocking == [15_550_000_003])
        #expect(changes.addedBlocking == [15_550_000_005])
        #expect(changes.removedIdentification == [15_550_000_002, 15_550_000_004])
        #expect(changes.addedIdentification == [
            IdentificationEntry(number: 15_550_000_002, label: "Renamed"),
            IdentificationEntry(number: 15_550_000_005, label: "New"),
        ])
        #expect(DirectoryBuilder.changes(from: new, to: new).isEmpty)
    }

    // MARK: - Load plans

    static let v1 = DirectorySnapshot(version: 1, entries: [
        entry("+15550000002", "Two"), entry("+15550000001", nil, blocked: true), entry("+15550000003", "Three"),
    ])
    static let v2 = DirectorySnapshot(version: 2, entries: [
        entry("+15550000002", "Two again"), entry("+15550000004", nil, blocked: true), entry("+15550000003", "Three"),
    ])

    @Test("a complete load adds everything in ascending order")
    func completeLoad() {
        let store = CallDirectoryStore.empty.updated(with: Self.v1)
        let plan = CallDirectoryLoadPlan.make(isIncremental: false, loadedVersion: nil, store: store)
        #expect(!plan.removeAll)
        let context = TestDirectoryContext()
        plan.apply(to: context)
        #expect(context.matches(store.current))
        #expect(plan.version == 1)
    }

    @Test("an incremental load from the previous version applies only the changes")
    func incrementalLoad() {
        let first = CallDirectoryStore.empty.updated(with: Self.v1)
        let second = first.updated(with: Self.v2)
        let plan = CallDirectoryLoadPlan.make(isIncremental: true, loadedVersion: 1, store: second)
        #expect(!plan.removeAll)
        #expect(plan.addBlocking == [15_550_000_004])
        #expect(plan.removeBlocking == [15_550_000_001])
        let context = TestDirectoryContext(first.current)
        plan.apply(to: context)
        #expect(context.matches(second.current))
    }

    @Test("an incremental load from an older version starts over")
    func incrementalFromOlder() {
        let second = CallDirectoryStore.empty.updated(with: Self.v1).updated(with: Self.v2)
        let third = second.updated(with: DirectorySnapshot(version: 3, entries: [Self.entry("+15550000009", "Nine")]))
        let stale = TestDirectoryContext(second.current)
        stale.addBlockingEntry(42) // something the plan cannot know about
        let plan = CallDirectoryLoadPlan.make(isIncremental: true, loadedVersion: 1, store: third)
        #expect(plan.removeAll)
        plan.apply(to: stale)
        #expect(stale.matches(third.current))
    }

    @Test("an incremental load of the version already loaded does nothing")
    func upToDate() {
        let store = CallDirectoryStore.empty.updated(with: Self.v1)
        let plan = CallDirectoryLoadPlan.make(isIncremental: true, loadedVersion: 1, store: store)
        #expect(plan.addBlocking.isEmpty && plan.addIdentification.isEmpty && !plan.removeAll)
    }

    @Test("the app group files round-trip and a missing store reads as empty")
    func files() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = CallDirectoryFiles(directory: directory)
        #expect(files.readStore() == .empty)
        #expect(files.readLoadedVersion() == nil)
        let store = CallDirectoryStore.empty.updated(with: Self.v1)
        try files.writeStore(store)
        try files.writeLoadedVersion(1)
        #expect(files.readStore() == store)
        #expect(files.readLoadedVersion() == 1)
    }
}
