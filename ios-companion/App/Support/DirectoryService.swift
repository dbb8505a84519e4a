@preconcurrency import CallKit
import CompanionCore
import Foundation

/// Keeps the Call Directory extension's data in step with the console: on `directory:changed`,
/// at launch and back in the foreground it fetches the directory, writes the complete set and
/// the changes since the previous version to the app group container, and asks CallKit to reload
/// the extension until the extension has loaded that version (`DirectoryRefreshPlan`).
@MainActor
final class DirectoryService {
    private let files: CallDirectoryFiles
    private let extensionIdentifier: String
    private let session: URLSession
    private var refreshing = false

    init(files: CallDirectoryFiles, extensionIdentifier: String, session: URLSession = .shared) {
        self.files = files
        self.extensionIdentifier = extensionIdentifier
        self.session = session
    }

    func refresh(credentials: DeviceCredentials) async {
        guard !refreshing else { return }
        refreshing = true
        defer { refreshing = false }
        do {
            let snapshot = try await fetch(credentials)
            let plan = DirectoryRefreshPlan.make(
                snapshot: snapshot,
                stored: files.readStore(),
                loadedVersion: files.readLoadedVersion()
            )
            if let store = plan.store { try files.writeStore(store) }
            if plan.reload { try await reload() }
        } catch {
            AppLog.directory.error("directory refresh failed: \(String(describing: error), privacy: .public)")
        }
    }

    /// `GET /api/devices/<deviceId>/directory` with the device secret as a bearer token, answered
    /// with `{version, entries}` (server/src/api.ts, the server's `DirectoryStore.get()`), or
    /// with `{error: {code, message}}` (`UNAUTHORIZED`: unknown device or wrong secret).
    private func fetch(_ credentials: DeviceCredentials) async throws -> DirectorySnapshot {
        var request = URLRequest(url: credentials.server.appending(path: "api/devices/\(credentials.deviceId)/directory"))
        request.setValue("Bearer \(credentials.deviceSecret)", forHTTPHeaderField: "Authorization")
        request.timeoutInterval = 15
        let (data, response) = try await session.data(for: request)
        return try ServerReply.decode(DirectorySnapshot.self, status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }

    private func reload() async throws {
        let manager = CXCallDirectoryManager.sharedInstance
        // The user must switch the extension on in Settings › Apps › Phone › Call Blocking & Identification.
        let status = try await manager.enabledStatusForExtension(withIdentifier: extensionIdentifier)
        guard status == .enabled else {
            AppLog.directory.notice("call directory extension is not enabled in Settings")
            return
        }
        try await manager.reloadExtension(withIdentifier: extensionIdentifier)
    }
}
