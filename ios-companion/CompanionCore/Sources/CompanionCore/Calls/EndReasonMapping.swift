import Foundation

extension CallEndedReason {
    /// How CallKit labels a call the server ended. `direction` is the server's: for `.outbound`
    /// (the console rang this phone) "declined" means another of the staff member's devices
    /// declined it; for `.inbound` (this phone called) every ending by the console is remote.
    public init(serverReason: EndReason?, direction: CallDirection) {
        switch (serverReason, direction) {
        case (.answeredElsewhere?, .outbound): self = .answeredElsewhere
        case (.declined?, .outbound): self = .declinedElsewhere
        case (.missed?, _): self = .unanswered
        // Nobody could take this phone's call: to CallKit, a call the other side did not answer.
        case (.noAgentAvailable?, _): self = .unanswered
        case (.busy?, .outbound): self = .unanswered
        case (.unreachable?, _), (.failed?, _): self = .failed
        default: self = .remoteEnded
        }
    }
}
