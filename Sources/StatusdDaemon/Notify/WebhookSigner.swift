import Crypto
import Foundation
import StatusdCore

/// Standard Webhooks signatures: `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
/// A `whsec_` secret is base64 of the key; any other secret is the key's bytes.
struct WebhookSigner: Sendable {
    let key: [UInt8]

    init(secret: String) {
        if secret.hasPrefix("whsec_"), let k = Base64.decode(String(secret.dropFirst(6))) { key = k } else { key = Array(secret.utf8) }
    }

    func signature(id: String, timestamp: Int64, body: [UInt8]) -> String {
        var content = Array("\(id).\(timestamp).".utf8)
        content += body
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))
        return "v1," + Base64.encode(Array(mac))
    }
}
