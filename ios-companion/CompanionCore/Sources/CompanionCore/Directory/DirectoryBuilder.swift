import Foundation

// MARK: - Values

/// `CXCallDirectoryPhoneNumber`: the E.164 digits without the plus, as an integer.
public typealias DirectoryPhoneNumber = Int64

public struct IdentificationEntry: Codable, Equatable, Hashable, Sendable {
    public var number: DirectoryPhoneNumber
    public var label: String

    public init(number: DirectoryPhoneNumber, label: String) {
        self.number = number
        self.label = label
    }
}

/// The complete set the Call Directory extension loads. CallKit requires each list in strictly
/// ascending order (`addBlockingEntry(withNextSequentialPhoneNumber:)`), without duplicates.
public struct CallDirectoryData: Codable, Equatable, Sendable {
    public var version: Int
    public var blocking: [DirectoryPhoneNumber]
    public var identification: [IdentificationEntry]

    public init(version: Int, blocking: [DirectoryPhoneNumber], identification: [IdentificationEntry]) {
        self.version = version
        self.blocking = blocking
        self.identification = identification
    }

    public static let empty = CallDirectoryData(version: 0, blocking: [], identification: [])
}

/// What changed between two versions, for an incremental load. A changed label is a removal
/// and an addition of that number, which is how CallKit replaces a label.
public struct CallDirectoryChanges: Codable, Equatable, Sendable {
    public var fromVersion: Int
    public var toVersion: Int
    public var removedBlocking: [DirectoryPhoneNumber]
    public var addedBlocking: [DirectoryPhoneNumber]
    public var removedIdentification: [DirectoryPhoneNumber]
    public var addedIdentification: [IdentificationEntry]

    public var isEmpty: Bool {
        removedBlocking.isEmpty && addedBlocking.isEmpty && removedIdentification.isEmpty && addedIdentification.isEmpty
    }
}

// MARK: - Builder

/// Turns the server's directory entries into what CallKit accepts.
public enum DirectoryBuilder {
    /// `+15551234567` → `15551234567`; `nil` for anything that is not E.164.
    public static func phoneNumber(e164: String) -> DirectoryPhoneNumber? {
        guard WireFormat.isE164(e164) else { return nil }
        return DirectoryPhoneNumber(e164.dropFirst())
    }

    /// One entry per number: blocked if any entry for it is blocked, labelled with the first
    /// non-empty label given for it. A number both blocked and labelled is in both lists, once.
    public static func build(version: Int, entries: [DirectoryEntry]) -> CallDirectoryData {
        var blocked = Set<DirectoryPhoneNumber>()
        var labels: [DirectoryPhoneNumber: String] = [:]
        for entry in entries {
            guard let number = phoneNumber(e164: entry.number) else { continue }
            if entry.blocked { blocked.insert(number) }
            if let label = entry.label, !label.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, labels[number] == nil {
                labels[number] = label
            }
        }
        return CallDirectoryData(
            version: version,
            blocking: blocked.sorted(),
            identification: labels.sorted { $0.key < $1.key }.map { IdentificationEntry(number: $0.key, label: $0.value) }
        )
    }

    public static func changes(from old: CallDirectoryData, to new: CallDirectoryData) -> CallDirectoryChanges {
        let oldBlocked = Set(old.blocking)
        let newBlocked = Set(new.blocking)
        let oldLabels = Dictionary(old.identification.map { ($0.number, $0.label) }, uniquingKeysWith: { first, _ in first })
        let newLabels = Dictionary(new.identification.map { ($0.number, $0.label) }, uniquingKeysWith: { first, _ in first })
        return CallDirectoryChanges(
            fromVersion: old.version,
            toVersion: new.version,
            removedBlocking: old.blocking.filter { !newBlocked.contains($0) },
            addedBlocking: new.blocking.filter { !oldBlocked.contains($0) },
            removedIdentification: old.identification.map(\.number).filter { newLabels[$0] != oldLabels[$0] },
            addedIdentification: new.identification.filter { oldLabels[$0.number] != $0.label }
        )
    }
}
