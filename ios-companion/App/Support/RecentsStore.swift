import CompanionCore
import Foundation

/// The app's own Recents list survives relaunches (CallKit's Recents is the Phone app's).
enum RecentsStore {
    private static let key = "switchboard.recents"

    static func load() -> [RecentCall] {
        guard let data = UserDefaults.standard.data(forKey: key) else { return [] }
        return (try? JSONDecoder().decode([RecentCall].self, from: data)) ?? []
    }

    static func save(_ recents: [RecentCall]) {
        guard let data = try? JSONEncoder().encode(recents) else { return }
        UserDefaults.standard.set(data, forKey: key)
    }
}
