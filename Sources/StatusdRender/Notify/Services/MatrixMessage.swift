import StatusdEngine
/// A Matrix client-server `m.room.message` event: `PUT {homeserver}/_matrix/client/v3/rooms/
/// {room}/send/m.room.message/{txnId}` with `Authorization: Bearer`, an `m.notice` (bots' kind:
/// other bots do not answer it) with a plain `body` and an HTML `formatted_body` of the spec's
/// allowed tags. The transaction id is the notification's idempotency key: a retry of a request
/// whose answer was lost is the same transaction, and the homeserver posts nothing new.
/// Cut to stay well under the 65,536-byte event limit.
public enum MatrixMessage {
    public static let eventLimit = 60_000

    public static func request(_ c: ChatContent, _ target: ServiceTarget) -> ServiceRequest {
        let txn = c.idempotencyKey ?? "statusd/\(c.timestamp)"
        let path = "/_matrix/client/v3/rooms/" + LinkTemplate.percentEncode(target.settings.room ?? "")
            + "/send/m.room.message/" + LinkTemplate.percentEncode(txn)
        var headers: [ServiceRequest.Header] = [.init("Content-Type", "application/json")]
        if let token = target.credential { headers.append(.init("Authorization", "Bearer " + token)) }
        return ServiceRequest(method: .put, url: target.base + path, headers: headers, body: body(c))
    }

    public static func body(_ c: ChatContent) -> JSONValue {
        ServiceText.fitting({ cut in
            .object([
                ("msgtype", "m.notice"),
                ("body", .string(ServiceText.plain(c, cut: cut))),
                ("format", "org.matrix.custom.html"),
                ("formatted_body", .string(ServiceText.html(c, newline: "<br>", cut: cut))),
            ])
        }, fits: { $0.serialized.utf8.count <= eventLimit })
    }
}
