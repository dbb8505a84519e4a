import CompanionCore
import Foundation
import UserNotifications

/// The video screen's adapter: what CompanionCore decided to show goes to the app's model (the
/// SwiftUI views bind the engine's tracks to WebRTC's renderers), and in the background the
/// agent's request comes as a local notification, since the in-app prompt cannot be seen there.
@MainActor
final class LiveVideoViews: VideoViewsProtocol {
    var onPresent: (@MainActor (VideoPresentation?) -> Void)?

    func present(_ presentation: VideoPresentation?) {
        onPresent?(presentation)
    }

    func notify(_ prompt: VideoPrompt, for callId: CallID) {
        let content = UNMutableNotificationContent()
        content.title = prompt.title
        content.body = prompt.message
        content.sound = .default
        // The agent is waiting on the line: shown through a Focus mode as a call would be.
        content.interruptionLevel = .timeSensitive
        let request = UNNotificationRequest(identifier: Self.identifier(callId), content: content, trigger: nil)
        UNUserNotificationCenter.current().add(request) { @Sendable error in
            guard let message = error?.localizedDescription else { return }
            Task { @MainActor in AppLog.calls.error("video notification: \(message, privacy: .public)") }
        }
    }

    func withdrawNotification(for callId: CallID) {
        let center = UNUserNotificationCenter.current()
        center.removePendingNotificationRequests(withIdentifiers: [Self.identifier(callId)])
        center.removeDeliveredNotifications(withIdentifiers: [Self.identifier(callId)])
    }

    /// Asked once the phone is paired: a request arriving in the background is the first
    /// moment it is needed, and iOS cannot ask then.
    func requestAuthorization() async {
        do {
            _ = try await UNUserNotificationCenter.current().requestAuthorization(options: [.alert, .sound])
        } catch {
            AppLog.calls.error("notifications: \(error.localizedDescription, privacy: .public)")
        }
    }

    private static func identifier(_ callId: CallID) -> String { "video-request-\(callId.wireValue)" }
}
