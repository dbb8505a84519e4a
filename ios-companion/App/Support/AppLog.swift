import os

enum AppLog {
    static let calls = Logger(subsystem: "switchboard", category: "calls")
    static let socket = Logger(subsystem: "switchboard", category: "socket")
    static let media = Logger(subsystem: "switchboard", category: "media")
    static let directory = Logger(subsystem: "switchboard", category: "directory")
}
