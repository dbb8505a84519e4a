@preconcurrency import CallKit
import CompanionCore
import Foundation

/// Keeps the Call Directory extension's data in step with the console: on `directory:changed`,
/// at launch and back in the foreground it fetches the directory, writes the complete set and
/// the changes since the previous version to the app group container, and asks CallKit to reload
/// the extension until the extension has loaded that version (`DirectoryRefreshPlan`).
/// How a directory refresh went: `unpaired` when the server no longer knows this phone.
enum DirectoryRefreshOutcome: Equatable {
    case done
    case failed
    case unpaired
}

@MainActor
final class DirectoryService {
    private let files: CallDirectoryFiles
    private let extensionIdentifier: String
    private var refreshing = false

    init(files: CallDirectoryFiles, extensionIdentifier: String) {
        self.files = files
        self.extensionIdentifier = extensionIdentifier
    }

    @discardableResult
    func refresh(credentials: DeviceCredentials) async -> DirectoryRefreshOutcome {
        guard !refreshing else { return .done }
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
            return .done
        } catch ServerReplyError.refused(let body) where body.code == .unauthorized {
            // Unpaired or revoked from the console: the app goes back to pairing and says so.
            return .unpaired
        } catch {
            AppLog.directory.error("directory refresh failed: \(String(describing: error), privacy: .public)")
            return .failed
        }
    }

    /// `GET /api/devices/<deviceId>/directory` with the device secret as a bearer token, answered
    /// with `{version, entries}` (server/src/api.ts, the server's `DirectoryStore.get()`), or
    /// with `{error: {code, message}}` (`UNAUTHORIZED`: unknown device or wrong secret).
    private func fetch(_ credentials: DeviceCredentials) async throws -> DirectorySnapshot {
        var request = URLRequest(url: credentials.server.appending(path: "api/devices/\(credentials.deviceId)/directory"))
        request.setValue("Bearer \(credentials.deviceSecret)", forHTTPHeaderField: "Authorization")
        request.timeoutInterval = 15
        // The pinned certificate, when pairing gave one (issue 20 item 1).
        let session = URLSession(
            configuration: .ephemeral,
            delegate: PinnedTrust(pin: credentials.pin) { _ in },
            delegateQueue: nil
        )
        defer { session.finishTasksAndInvalidate() }
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
