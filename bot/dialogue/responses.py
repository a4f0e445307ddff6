"""The assistant's fixed responses, as English msgids.

`loket build` writes them into domain/generated/responses.yml with a Dutch,
Papiamentu and English variation each, translated from bot/i18n/locale like every
other message, so translation has one place.
"""

from __future__ import annotations

from bot.i18n import N_

# The reply to a sticker, photo or voice message (actions: action_non_text).
NON_TEXT_REPLY = N_("I can only read text. Please type your question in a few words.")

RESPONSES: dict[str, str] = {
    "utter_greet": N_(
        "Hello! I'm Loket. Ask me about housing, rent benefit, energy, DigiD or other government schemes."),
    "utter_thank": N_("You're welcome! Ask me anything else you need."),
    "utter_goodbye": N_("Goodbye! Come back whenever you like."),
    "utter_human_handover": N_(
        "Want to talk to a person? In the European Netherlands you can get free help at an Informatiepunt"
        " Digitale Overheid in the public library. On Bonaire, Sint Eustatius and Saba, go to the service"
        " desk of your island's public entity."),
    "utter_out_of_scope": N_(
        "Sorry, I can't answer that. I help with government schemes such as rent benefit, the Warmtefonds"
        " or DigiD. For personal help, visit an Informatiepunt Digitale Overheid in the library (free)."),
    "utter_forget_cancelled": N_("All right, I keep the conversation. Ask me anything."),
}
