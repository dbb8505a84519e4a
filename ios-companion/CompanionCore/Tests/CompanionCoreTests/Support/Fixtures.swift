import Foundation

/// The wire fixtures in `shared/fixtures/`, shared with the TypeScript tests. Found by walking up
/// from this file to the repository root, so the tests run the same in the repository and in the
/// Linux toolchain chroot the repository is mounted into.
enum Fixtures {
    struct File: Sendable, CustomStringConvertible {
        let kind: String
        let name: String
        let url: URL

        var expectsValid: Bool { name.hasPrefix("valid-") }
        var description: String { "\(kind)/\(name)" }
        func data() throws -> Data { try Data(contentsOf: url) }
    }

    static let root: URL? = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("shared/fixtures")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return candidate
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }()

    /// The repository root (the folder holding `shared/` and `ios-companion/`).
    static var repositoryRoot: URL? { root?.deletingLastPathComponent().deletingLastPathComponent() }

    static func kinds() -> [String] {
        guard let root, let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { return [] }
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    static func files(kind: String) -> [File] {
        guard let root, let names = try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(kind).path)
        else { return [] }
        return names.filter { $0.hasSuffix(".json") }.sorted().map {
            File(kind: kind, name: $0, url: root.appendingPathComponent(kind).appendingPathComponent($0))
        }
    }

    static var all: [File] { kinds().flatMap(files(kind:)) }

    // Named helpers for `@Test(arguments:)`: Swift 6.0.3 crashes on closures written inside the
    // `@Test` attribute of a `@MainActor` suite.

    static func invalid(kind: String) -> [File] { files(kind: kind).filter { !$0.expectsValid } }

    /// Every fixture of `kind`, valid or not, as raw bytes.
    static func payloads(kind: String) -> [Data] { files(kind: kind).compactMap { try? $0.data() } }

    static func data(kind: String, file: String) throws -> Data {
        guard let root else { throw CocoaError(.fileNoSuchFile) }
        return try Data(contentsOf: root.appendingPathComponent(kind).appendingPathComponent(file))
    }

    static func decode<T: Decodable>(_ type: T.Type, kind: String, file: String) throws -> T {
        try JSONDecoder().decode(T.self, from: data(kind: kind, file: file))
    }
}
