"""The staff screen: the terminal's state, and what staff may do with it."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.widgets import Button, Static

from kiosk import __version__
from kiosk.i18n import _
from screens.base import KioskScreen
from screens.messages import QuitKiosk, StaffEndsVisit, SwitchPortal


class StaffScreen(KioskScreen):
    """Opened with the staff PIN; closes by itself when left idle (see kiosk.terminal.idle)."""

    CSS_PATH = "staff.tcss"

    def compose(self) -> ComposeResult:
        kiosk = self.kiosk
        yield from self.compose_header()
        with Vertical(id="staff-box"):
            yield Static(_("Staff"), classes="step-title")
            yield Static(_("Server: checking…"), id="staff-server", markup=False)
            yield Static("", id="staff-waiting", markup=False)
            yield Static("", id="staff-last-error", markup=False)
            yield Static(_("Version: {version}").format(version=__version__), id="staff-version")
            yield Static(
                _("Portal: {portal}").format(portal=kiosk.portal.name),
                id="staff-portal",
                markup=False,
            )
            yield Static(
                _("Language: {language}").format(language=kiosk.language), id="staff-language"
            )
            yield Static("", id="staff-status", classes="status-line", markup=False)
            with Container(id="staff-actions"):  # two per row: labels are long in some languages
                yield Button(
                    _("End current visit"), id="staff-end-visit", disabled=kiosk.visit is None
                )
                yield Button(_("Deliver waiting now"), id="staff-deliver", variant="primary")
                yield Button(_("Close"), id="staff-close")
                yield Button(_("Quit the kiosk"), id="staff-quit", variant="error")
            if len(kiosk.config.portals) > 1:
                yield Static(_("Switch portal:"), classes="field-label")
                with Vertical(id="staff-portals"):
                    for index, portal in enumerate(kiosk.config.portals):
                        yield Button(
                            portal.title,
                            id=f"staff-portal-{index}",
                            classes="staff-portal",
                            disabled=portal.name == kiosk.portal.name,
                        )

    def on_mount(self) -> None:
        self.query_one("#staff-close", Button).focus()
        self.refresh_state()

    @work(exclusive=True, group="staff-state")
    async def refresh_state(self) -> None:
        """Ask the outbox for its count and the backend for its health (I/O: a worker)."""
        services = self.kiosk.services
        waiting, last_error = await services.outbox_state()
        self.query_one("#staff-waiting", Static).update(
            _("Submissions waiting: {count}").format(count=waiting)
        )
        self.query_one("#staff-last-error", Static).update(
            _("Last delivery error: {error}").format(error=last_error or _("none"))
        )
        reachable = await services.server_reachable()
        self.query_one("#staff-server", Static).update(
            _("Server: reachable") if reachable else _("Server: not reachable")
        )

    def action_back(self) -> None:
        self._close()

    @on(Button.Pressed, "#staff-close")
    def _close(self) -> None:
        if self.is_current:
            self.dismiss()

    @on(Button.Pressed, "#staff-end-visit")
    def end_visit(self) -> None:
        self.post_message(StaffEndsVisit(self))

    @on(Button.Pressed, "#staff-deliver")
    def deliver(self) -> None:
        self.query_one("#staff-deliver", Button).disabled = True
        self.query_one("#staff-status", Static).update(_("Delivering…"))
        self._deliver()

    @work(exclusive=True, group="staff-deliver")
    async def _deliver(self) -> None:
        delivered = await self.kiosk.services.deliver_now()
        self.query_one("#staff-status", Static).update(
            _("Delivered: {count}").format(count=delivered)
        )
        self.query_one("#staff-deliver", Button).disabled = False
        self.refresh_state()

    @on(Button.Pressed, ".staff-portal")
    def switch_portal(self, event: Button.Pressed) -> None:
        index = int((event.button.id or "").removeprefix("staff-portal-"))
        self.post_message(SwitchPortal(self, self.kiosk.config.portals[index].name))

    @on(Button.Pressed, "#staff-quit")
    def quit_kiosk(self) -> None:
        self.post_message(QuitKiosk(self))
