import CompanionCore
import SwiftUI

struct RecentsView: View {
    @Bindable var model: AppModel

    var body: some View {
        List(model.status.recents) { call in
            Button { model.callConsole() } label: { RecentRow(call: call) }
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
            Image(systemName: call.isIncoming ? "phone.arrow.down.left" : "phone.arrow.up.right")
                .foregroundStyle(call.isMissed ? .red : .secondary)
            VStack(alignment: .leading) {
                Text(call.callerName).foregroundStyle(call.isMissed ? .red : .primary)
                Text(call.outcome).font(.footnote).foregroundStyle(.secondary)
            }
            Spacer()
            Text(call.startedAt, format: .dateTime.hour().minute()).font(.footnote).foregroundStyle(.secondary)
        }
    }
}
