import CompanionCore
import Foundation
import WebRTC

// MARK: - RTCPeerConnectionDelegate

/// What the engine needs from a peer connection's events, as Sendable values.
enum PeerEvent: Sendable {
    case candidate(RtcCandidate)
    case iceConnected
    case iceFailed
}

/// WebRTC calls its delegate on its signalling thread. The observer holds only Sendable
/// constants, reads what it needs from WebRTC's objects there, and forwards values; `forward`
/// hops to the main actor. No escape hatch from the isolation checks either: the compiler
/// checks that nothing main-actor isolated is touched from here.
final class PeerObserver: NSObject, RTCPeerConnectionDelegate, Sendable {
    private let callId: CallID
    private let forward: @Sendable (PeerEvent) -> Void

    init(callId: CallID, forward: @escaping @Sendable (PeerEvent) -> Void) {
        self.callId = callId
        self.forward = forward
    }

    func peerConnection(_ peerConnection: RTCPeerConnection, didGenerate candidate: RTCIceCandidate) {
        forward(.candidate(RtcCandidate(candidate: candidate.sdp, sdpMid: candidate.sdpMid, sdpMLineIndex: Int(candidate.sdpMLineIndex))))
    }

    func peerConnection(_ peerConnection: RTCPeerConnection, didChange newState: RTCIceConnectionState) {
        switch newState {
        case .connected, .completed: forward(.iceConnected)
        case .failed: forward(.iceFailed)
        default: break
        }
    }

    func peerConnection(_ peerConnection: RTCPeerConnection, didChange stateChanged: RTCSignalingState) {}
    func peerConnection(_ peerConnection: RTCPeerConnection, didAdd stream: RTCMediaStream) {}
    func peerConnection(_ peerConnection: RTCPeerConnection, didRemove stream: RTCMediaStream) {}
    func peerConnectionShouldNegotiate(_ peerConnection: RTCPeerConnection) {}
    func peerConnection(_ peerConnection: RTCPeerConnection, didChange newState: RTCIceGatheringState) {}
    func peerConnection(_ peerConnection: RTCPeerConnection, didRemove candidates: [RTCIceCandidate]) {}
    func peerConnection(_ peerConnection: RTCPeerConnection, didOpen dataChannel: RTCDataChannel) {}
}
