"""PySide's Python types, made a few at a time while the window is already on screen (issue 16).

PySide6 makes the Python type of a Qt class when something first names it, and the first time a Qt object of a
class it cannot place reaches Python (here: while the canvas is made), it makes the type of *every* QObject class
of QtCore, QtGui and QtWidgets at once to find it: some 220 types with their enums, 40-80 ms of the UI thread in
one piece. :func:`make_types` makes the same types beforehand, in short slices with an event-loop turn between
them, so that moment costs nothing. The names are the ones that moment makes (PySide 6.11); a test says when they
no longer are. A name this PySide does not have is skipped.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterator

TYPES: dict[str, tuple[str, ...]] = {
    "QtCore": (
        "QAbstractAnimation", "QAbstractEventDispatcher", "QAbstractItemModel", "QAbstractListModel",
        "QAbstractProxyModel", "QAbstractTableModel", "QAnimationGroup", "QBuffer", "QChildEvent",
        "QConcatenateTablesProxyModel", "QDynamicPropertyChangeEvent", "QFile", "QFileDevice", "QFileSelector",
        "QFileSystemWatcher", "QIODevice", "QIODeviceBase", "QIOPipe", "QIdentityProxyModel", "QItemSelectionModel",
        "QLibrary", "QParallelAnimationGroup", "QPauseAnimation", "QPluginLoader", "QProcess", "QPropertyAnimation",
        "QRangeModel", "QSaveFile", "QSequentialAnimationGroup", "QSettings", "QSharedMemory", "QSignalMapper",
        "QSortFilterProxyModel", "QStringListModel", "QTemporaryFile", "QThreadPool", "QTimeLine", "QTranslator",
        "QTransposeProxyModel", "QVariantAnimation",
    ),
    "QtGui": (
        "QAbstractTextDocumentLayout", "QAccessibilityHints", "QActionEvent", "QActionGroup", "QChildWindowEvent",
        "QClipboard", "QCloseEvent", "QContextMenuEvent", "QDoubleValidator", "QDrag", "QDragEnterEvent",
        "QDragLeaveEvent", "QDragMoveEvent", "QDropEvent", "QEnterEvent", "QExposeEvent", "QFileOpenEvent",
        "QFocusEvent", "QGradient", "QHelpEvent", "QHideEvent", "QHoverEvent", "QIconDragEvent", "QInputDevice",
        "QInputMethod", "QInputMethodEvent", "QInputMethodQueryEvent", "QIntValidator", "QMoveEvent", "QMovie",
        "QOffscreenSurface", "QOpenGLContext", "QOpenGLContextGroup", "QPagedPaintDevice", "QPaintDeviceWindow",
        "QPaintEvent", "QPdfWriter", "QPlatformSurfaceEvent", "QPointingDevice", "QPyTextObject", "QRasterWindow",
        "QRegularExpressionValidator", "QResizeEvent", "QScreen", "QScrollEvent", "QScrollPrepareEvent",
        "QSessionManager", "QShortcut", "QShortcutEvent", "QShowEvent", "QStandardItemModel", "QStatusTipEvent",
        "QSurface", "QSyntaxHighlighter", "QTabletEvent", "QTextBlockGroup", "QTextDocument", "QTextFrame",
        "QTextList", "QTextObject", "QTextObjectInterface", "QTextTable", "QToolBarChangeEvent", "QTouchEvent",
        "QUndoGroup", "QValidator", "QWhatsThisClickedEvent", "QWindow", "QWindowStateChangeEvent",
    ),
    "QtWidgets": (
        "QAbstractButton", "QAbstractItemDelegate", "QAbstractItemView", "QAbstractSlider", "QBoxLayout",
        "QButtonGroup", "QCalendarWidget", "QCheckBox", "QColorDialog", "QColumnView", "QCommandLinkButton",
        "QCommonStyle", "QCompleter", "QDataWidgetMapper", "QDateEdit", "QDateTimeEdit", "QDial",
        "QDialogButtonBox", "QDoubleSpinBox", "QErrorMessage", "QFileDialog", "QFileSystemModel", "QFocusFrame",
        "QFontComboBox", "QFontDialog", "QFormLayout", "QGestureEvent", "QGraphicsAnchor", "QGraphicsBlurEffect",
        "QGraphicsColorizeEffect", "QGraphicsDropShadowEffect", "QGraphicsEffect", "QGraphicsItemAnimation",
        "QGraphicsLayoutItem", "QGraphicsObject", "QGraphicsOpacityEffect", "QGraphicsProxyWidget",
        "QGraphicsRotation", "QGraphicsScale", "QGraphicsSceneContextMenuEvent", "QGraphicsSceneDragDropEvent",
        "QGraphicsSceneEvent", "QGraphicsSceneHelpEvent", "QGraphicsSceneHoverEvent", "QGraphicsSceneMouseEvent",
        "QGraphicsSceneMoveEvent", "QGraphicsSceneResizeEvent", "QGraphicsSceneWheelEvent", "QGraphicsTextItem",
        "QGraphicsTransform", "QGraphicsWidget", "QGridLayout", "QGroupBox", "QHBoxLayout", "QHeaderView",
        "QInputDialog", "QItemDelegate", "QKeySequenceEdit", "QLCDNumber", "QLayout", "QLayoutItem", "QListView",
        "QListWidget", "QMdiArea", "QMdiSubWindow", "QPanGesture", "QPlainTextDocumentLayout", "QProgressBar",
        "QProgressDialog", "QProxyStyle", "QPushButton", "QRadioButton", "QRhiWidget", "QRubberBand", "QScrollArea",
        "QScrollBar", "QScroller", "QSizeGrip", "QSlider", "QSpinBox", "QSplashScreen", "QSplitter",
        "QSplitterHandle", "QStackedLayout", "QStackedWidget", "QStyle", "QStyledItemDelegate", "QSwipeGesture",
        "QSystemTrayIcon", "QTabBar", "QTabWidget", "QTableView", "QTableWidget", "QTapAndHoldGesture",
        "QTapGesture", "QTextBrowser", "QTimeEdit", "QToolBar", "QToolBox", "QToolButton", "QTreeView",
        "QTreeWidget", "QUndoView", "QVBoxLayout", "QWizard", "QWizardPage",
    ),
}


def make_types(slice_ms: float = 3.0) -> Iterator[None]:
    """Make the Python types of :data:`TYPES`, yielding after every ``slice_ms`` of work (on the UI thread only:
    PySide must not make types on two threads at once)."""
    started = time.perf_counter()
    for module_name, names in TYPES.items():
        module = importlib.import_module(f"PySide6.{module_name}")
        for name in names:
            getattr(module, name, None)
            if (time.perf_counter() - started) * 1000 >= slice_ms:
                yield
                started = time.perf_counter()
