/**
 * The page's menus (`<details class="menu">`) behave as menus: one closes once one of its actions
 * ran (so it does not stay open over the page with the next action under the thumb), on Escape
 * (focus goes back to its summary) and on a tap or click outside it.
 *
 * @example
 * ```tsx
 * <button onClick={(event) => { closeMenus(event.currentTarget); actions.stopSession(id); }}>Stop</button>
 * useMenuDismissal(); // once, in a component that is always shown
 * ```
 */
import { useEffect } from "preact/hooks";

const OPEN_MENUS = "details.menu[open]";

/** Closes the menu `element` is in (nothing when it is in none). */
export function closeMenus(element: Element): void {
  element.closest(OPEN_MENUS)?.removeAttribute("open");
}

/** Closes open menus on Escape and on a pointer press outside them, for as long as the caller is mounted. */
export function useMenuDismissal(): void {
  useEffect(() => {
    const onPointerDown = (event: Event) => {
      for (const menu of document.querySelectorAll(OPEN_MENUS)) if (!menu.contains(event.target as Node)) menu.removeAttribute("open");
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      for (const menu of document.querySelectorAll<HTMLDetailsElement>(OPEN_MENUS)) {
        const hadFocus = menu.contains(document.activeElement);
        menu.removeAttribute("open");
        if (hadFocus) menu.querySelector("summary")?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointerDown);
    document.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown);
      document.removeEventListener("keydown", onKeyDown);
    };
  }, []);
}
