@preconcurrency import CallKit
import CompanionCore
import Foundation

/// Caller ID and blocking for the numbers the console manages. The app writes the data (complete
/// set plus the changes since the previous version) to the shared app group container when
/// `directory:changed` arrives, then asks CallKit to reload this extension; the extension runs in
/// its own process and only reads.
final class CallDirectoryHandler: CXCallDirectoryProvider {
    override func beginRequest(with context: CXCallDirectoryExtensionContext) {
        context.delegate = self
        guard let files = Self.files() else {
            context.cancelRequest(withError: CallDirectoryError.noAppGroup)
            return
        }
        let store = files.readStore()
        // `isIncremental`: the system kept what this extension loaded last, so only the changes
        // since then are applied; otherwise (first load, or after a reset) everything is added.
        let plan = CallDirectoryLoadPlan.make(
            isIncremental: context.isIncremental,
            loadedVersion: files.readLoadedVersion(),
            store: store
        )
        plan.apply(to: context)
        context.completeRequest { completed in
            guard completed else { return }
            try? files.writeLoadedVersion(plan.version)
        }
    }

    private static func files() -> CallDirectoryFiles? {
        guard let group = Bundle.main.object(forInfoDictionaryKey: "SwitchboardAppGroup") as? String,
              let container = FileManager.default.containerURL(forSecurityApplicationGroupIdentifier: group)
        else { return nil }
        return CallDirectoryFiles(directory: container.appendingPathComponent("CallDirectory", isDirectory: true))
    }
}

extension CallDirectoryHandler: CXCallDirectoryExtensionContextDelegate {
    func requestFailed(for extensionContext: CXCallDirectoryExtensionContext, withError error: any Error) {
        // Typically entries out of order or duplicated (`CXErrorCodeCallDirectoryManagerError`):
        // the next reload starts over, since the loaded version was not recorded.
        NSLog("Switchboard call directory load failed: \(error)")
    }
}

enum CallDirectoryError: Error {
    case noAppGroup
}

// MARK: - CallKit's context as CompanionCore's protocol

/// CallKit requires each `…WithNextSequentialPhoneNumber` call in ascending order within one
/// request; `CallDirectoryLoadPlan.apply(to:)` guarantees it.
extension CXCallDirectoryExtensionContext: @retroactive CallDirectoryContextProtocol {
    public func addBlockingEntry(_ number: DirectoryPhoneNumber) {
        addBlockingEntry(withNextSequentialPhoneNumber: number)
    }

    public func addIdentificationEntry(_ number: DirectoryPhoneNumber, label: String) {
        addIdentificationEntry(withNextSequentialPhoneNumber: number, label: label)
    }

    public func removeBlockingEntry(_ number: DirectoryPhoneNumber) {
        removeBlockingEntry(withPhoneNumber: number)
    }

    public func removeIdentificationEntry(_ number: DirectoryPhoneNumber) {
        removeIdentificationEntry(withPhoneNumber: number)
    }
}
