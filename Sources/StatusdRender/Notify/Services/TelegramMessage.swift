/// A Telegram Bot API `sendMessage` (`POST {url}/bot{token}/sendMessage`) with `parse_mode: HTML`:
/// statusd's own tags only (`b`, `i`, `a`), every untrusted `&`, `<`, `>` (and `"` in links) as an
/// entity, so a hostile path cannot make Telegram refuse the whole message for a bad entity.
/// Link previews are off. The text is cut to Telegram's 4,096 characters, each piece before it
/// is wrapped in tags (a cut never leaves a tag open).
public enum TelegramMessage {
    public static let textLimit = 4096

    public static func request(_ c: ChatContent, _ target: ServiceTarget) -> ServiceRequest {
        ServiceRequest(url: target.base + "/bot" + (target.credential ?? "") + "/sendMessage",
                       headers: [.init("Content-Type", "application/json")], body: body(c, chatID: target.settings.chatID ?? ""))
    }

    public static func body(_ c: ChatContent, chatID: String) -> JSONValue {
        // Entities count as one character each once parsed: measuring the escaped text is safe.
        let text = ServiceText.fitting({ ServiceText.html(c, newline: "\n", cut: $0) }, fits: { $0.utf16.count <= textLimit })
        return .object([
            ("chat_id", .string(chatID)),
            ("text", .string(text)),
            ("parse_mode", "HTML"),
            ("link_preview_options", .object([("is_disabled", true)])),
        ])
    }
}
