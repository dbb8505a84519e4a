import Foundation

// MARK: - call:cancelled

/// The server ended this phone's part of a call: end the CallKit call with the matching reason.
public struct CallCancelled: Codable, Equatable, Sendable {
    public var callId: CallID
    public var reason: EndReason

    public init(callId: CallID, reason: EndReason) {
        self.callId = callId
        self.reason = reason
    }
}

// MARK: - call:changed

public struct CallChanged: Codable, Equatable, Sendable {
    public var call: Call

    public init(call: Call) {
        self.call = call
    }
}

// MARK: - directory:changed

/// The console changed the caller-ID / blocking directory; the phone fetches it and reloads the
/// Call Directory extension.
public struct DirectoryChanged: Codable, Equatable, Sendable {
    public var version: Int

    public init(version: Int) {
        self.version = version
    }

    private enum CodingKeys: String, CodingKey { case version }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        guard version >= 0 else { throw c.fail(.version, "must not be negative") }
    }
}

// MARK: - call:sync result

/// The `call:sync` ack data (`callSyncResultSchema`).
public struct CallSyncResult: Codable, Equatable, Sendable {
    public struct Ended: Codable, Equatable, Sendable {
        public var callId: CallID
        public var endReason: EndReason?

        public init(callId: CallID, endReason: EndReason?) {
            self.callId = callId
            self.endReason = endReason
        }

        private enum CodingKeys: String, CodingKey { case callId, endReason }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            callId = try c.decode(CallID.self, forKey: .callId)
            endReason = try c.decodeNullable(EndReason.self, forKey: .endReason)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(callId, forKey: .callId)
            try c.encode(endReason, forKey: .endReason)
        }
    }

    /// Every live call this device is (still) part of.
    public var live: [Call]
    /// The requested ids that are over, with how they ended (null: unknown to the server).
    public var ended: [Ended]

    public init(live: [Call], ended: [Ended]) {
        self.live = live
        self.ended = ended
    }
}

// MARK: - Directory

/// One caller-ID / blocking entry (`directoryEntrySchema`).
public struct DirectoryEntry: Codable, Equatable, Sendable {
    /// E.164, e.g. `+15551234567`.
    public var number: String
    public var label: String?
    public var blocked: Bool

    public init(number: String, label: String?, blocked: Bool) {
        self.number = number
        self.label = label
        self.blocked = blocked
    }

    private enum CodingKeys: String, CodingKey { case number, label, blocked }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try c.decode(String.self, forKey: .number)
        guard WireFormat.isE164(number) else {
            throw c.fail(.number, "expected an E.164 number such as +15551234567")
        }
        label = try c.decodeNullableString(.label, max: 80)
        blocked = try c.decode(Bool.self, forKey: .blocked)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(number, forKey: .number)
        try c.encode(label, forKey: .label)
        try c.encode(blocked, forKey: .blocked)
    }
}

/// The whole directory: what a console saves (`PUT /api/directory`) and a phone loads.
public struct DirectorySet: Codable, Equatable, Sendable {
    public var entries: [DirectoryEntry]

    public init(entries: [DirectoryEntry]) {
        self.entries = entries
    }
}

/// What the phone fetches after `directory:changed`: the entries with the version they belong to
/// (the server's `DirectoryStore.get()` shape).
public struct DirectorySnapshot: Codable, Equatable, Sendable {
    public var version: Int
    public var entries: [DirectoryEntry]

    public init(version: Int, entries: [DirectoryEntry]) {
        self.version = version
        self.entries = entries
    }

    private enum CodingKeys: String, CodingKey { case version, entries }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        guard version >= 0 else { throw c.fail(.version, "must not be negative") }
        entries = try c.decode([DirectoryEntry].self, forKey: .entries)
    }
}
