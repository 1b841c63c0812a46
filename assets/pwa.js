// GudCity on the home screen: registers the service worker (gudcity/web/static/sw.js)
// and keeps the customer's last known card for /cards to show offline.
//
// The card is kept in localStorage, not in Cache Storage: the page reads it while it
// renders, which localStorage allows synchronously, and the service worker never
// needs it (offline it only serves the page's shell, which holds no user data). It is
// one slot, the card of the customer whose /cards page last loaded online: it holds
// their card number, each card's program, balance and unit words, the time it was
// saved and the words the offline view shows (so a page in another language saves
// them in that language). Logging out or in forgets it (`forget`, run by the page
// first), and the log-out's response clears the site's storage and caches as well
// (Clear-Site-Data): another account on the phone never sees it.
(() => {
  const KEY = "gudcity-offline-card";

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", () => {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
    });
  }

  const savedLine = (card) => {
    const lang = card.language || document.documentElement.lang || undefined;
    const when = new Date(card.saved_at).toLocaleString(lang, {
      dateStyle: "medium",
      timeStyle: "short",
    });
    return card.words.saved.replace("{time}", when);
  };

  window.GudCityOffline = {
    save(card) {
      try {
        localStorage.setItem(KEY, JSON.stringify({ ...card, saved_at: Date.now() }));
      } catch (full) {
        // No room, or storage refused: offline, the page says no card is saved.
      }
    },
    // The saved card with its "Saved <time>" line, or null.
    read() {
      try {
        const card = JSON.parse(localStorage.getItem(KEY));
        if (!card || !card.card_number || !Array.isArray(card.cards) || !card.words) {
          return null;
        }
        return { ...card, saved_line: savedLine(card) };
      } catch (unreadable) {
        return null;
      }
    },
    forget() {
      try {
        localStorage.removeItem(KEY);
      } catch (refused) {
        // Storage that cannot be read holds nothing to forget.
      }
    },
  };
})();
