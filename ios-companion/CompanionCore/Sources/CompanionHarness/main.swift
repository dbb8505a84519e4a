import Foundation

// Lines are read on a thread of their own and handed to the main queue in order; the harness
// runs on the main actor, as the app does. When the driver closes stdin, the harness ends.
HarnessApp.shared.start()
let reader = Thread {
    while let line = readLine(strippingNewline: true) {
        DispatchQueue.main.async { MainActor.assumeIsolated { HarnessApp.shared.handle(line) } }
    }
    DispatchQueue.main.async { exit(0) }
}
reader.start()
dispatchMain()
