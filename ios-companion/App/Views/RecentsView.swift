import CompanionCore
import SwiftUI

struct RecentsView: View {
    @Bindable var model: AppModel

    var body: some View {
        List(model.status.recents) { call in
            Button { model.callConsole(video: call.video) } label: { RecentRow(call: call) }
                .foregroundStyle(.primary)
        }
        .overlay {
            if model.status.recents.isEmpty {
                ContentUnavailableView("No calls yet", systemImage: "phone", description: Text("Calls with the console appear here."))
            }
        }
        .navigationTitle("Recents")
    }
}

private struct RecentRow: View {
    let call: RecentCall

    var body: some View {
        HStack {
            Image(systemName: icon).foregroundStyle(missed ? .red : .secondary)
            VStack(alignment: .leading) {
                Text(call.callerName).foregroundStyle(missed ? .red : .primary)
                Text(outcome).font(.footnote).foregroundStyle(.secondary)
            }
            Spacer()
            Text(call.startedAt, format: .dateTime.hour().minute()).font(.footnote).foregroundStyle(.secondary)
        }
    }

    /// `.outbound` in the server's terms: the console called this phone.
    private var incoming: Bool { call.direction == .outbound }
    private var missed: Bool { incoming && call.answeredAt == nil && call.endReason != .declined }
    private var icon: String { incoming ? "phone.arrow.down.left" : "phone.arrow.up.right" }

    private var outcome: String {
        if let answered = call.answeredAt {
            let seconds = Int(call.endedAt.timeIntervalSince(answered))
            return "\(seconds / 60) min \(seconds % 60) s"
        }
        switch call.endReason {
        case .declined?: return "Declined"
        case .answeredElsewhere?: return "Answered on another device"
        case .unreachable?: return "No agent online"
        case .failed?: return "Failed"
        default: return incoming ? "Missed" : "Not answered"
        }
    }
}
