"""Asking before the window closes while jobs run: they are not lost, but the user should
know where they went (fal keeps them; the next open finishes them)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from qcut_ai.jobs.job_items import JobListModel

# (parent, running jobs, paid ones among them) -> True to quit; tests and hosts replace it.
QuitQuestion = Callable[[QWidget, int, int], bool]


def quit_text(running: int, paid: int | None = None) -> str:
    """What quitting does to the running jobs; `paid` of them at fal (all when None)."""
    noun = "job is" if running == 1 else "jobs are"
    if paid == 0:
        return (
            f"{running} offline preview {noun} still running. They resume the next time "
            "only if offline preview keeps running after quitting (Settings); nothing is paid."
        )
    return (
        f"{running} {noun} still running. Jobs keep running at fal and are resumed the next "
        "time you open this project."
    )


def ask_quit(parent: QWidget, running: int, paid: int | None = None) -> bool:
    """One question, two answers: Quit, or Keep working (the default)."""
    text = quit_text(running, paid)
    box = QMessageBox(QMessageBox.Icon.Question, "Quit qcut-ai?", text, parent=parent)
    quit_button = box.addButton("Quit", QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton("Keep working", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is quit_button


class QuitGuard:
    """Says whether the window may close now, asking only when jobs are running."""

    def __init__(self, model: JobListModel, ask: QuitQuestion | None = None) -> None:
        self.model = model
        self.ask = ask  # None: the dialog (`ask_quit`)

    def allows_quit(self, parent: QWidget) -> bool:
        running = self.model.running()
        return not running or (self.ask or ask_quit)(parent, running, self.model.paid_running())
