// Socket.IO's Swift client (socketio/socket.io-client-swift 16.x), as far as SocketServerConnection
// uses it: Source/SocketIO/{Manager,Client,Ack,Util}. Plain Swift built in Swift 5 mode: nothing is
// Sendable or actor-isolated; callbacks run on `handleQueue`.
import Foundation
import Starscream

/// Util/SocketTypes.swift
public typealias AckCallback = ([Any]) -> ()
public typealias NormalCallback = ([Any], SocketAckEmitter) -> ()

public protocol SocketData {}
extension NSDictionary: SocketData {}
extension NSArray: SocketData {}
extension String: SocketData {}

/// Client/SocketIOStatus.swift
public enum SocketIOStatus: Int {
    case notConnected, disconnected, connecting, connected
}

/// Client/SocketEventHandler.swift
public enum SocketClientEvent: String {
    case connect, disconnect, error, ping, pong, reconnect, reconnectAttempt, statusChange, websocketUpgrade
}

/// Client/SocketIOClientOption.swift (the cases used)
public enum SocketIOClientOption {
    case compress
    case forceWebsockets(Bool)
    case handleQueue(DispatchQueue)
    case log(Bool)
    case reconnects(Bool)
    case reconnectWait(Int)
    case reconnectWaitMax(Int)
    case security(CertificatePinning)
    case selfSigned(Bool)
}

/// Client/SocketIOClientConfiguration.swift
public struct SocketIOClientConfiguration: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: SocketIOClientOption...) {}
}

/// Ack/SocketAckEmitter.swift
public final class SocketAckEmitter: NSObject {
    public var expected: Bool { false }
    public func with(_ items: [Any]) {}
}

public final class OnAckCallback: NSObject {
    public func timingOut(after seconds: Double, callback: @escaping AckCallback) {}
}

/// Client/SocketIOClient.swift
open class SocketIOClient: NSObject {
    public private(set) var status = SocketIOStatus.notConnected
    @discardableResult
    open func on(_ event: String, callback: @escaping NormalCallback) -> UUID { UUID() }
    @discardableResult
    open func on(clientEvent event: SocketClientEvent, callback: @escaping NormalCallback) -> UUID { UUID() }
    open func connect(withPayload payload: [String: Any]? = nil) {}
    open func disconnect() {}
    open func emitWithAck(_ event: String, with items: [SocketData]) -> OnAckCallback { OnAckCallback() }
}

/// Manager/SocketManager.swift
open class SocketManager: NSObject {
    public var reconnects = true
    public private(set) var status: SocketIOStatus = .notConnected
    public init(socketURL: URL, config: SocketIOClientConfiguration = []) {}
    open func socket(forNamespace nsp: String) -> SocketIOClient { SocketIOClient() }
    open func disconnect() {}
    open func reconnect() {}
}
