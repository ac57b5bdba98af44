"""The words lecturegen itself adds around a lecture's content, in the lecture's language.

The content is the author's, in whatever language ``lecture.language`` names; but the renderers
add words of their own: the label under each figure, the title suffix of a continued PowerPoint
slide, the report's contents heading, the slide deck's presenter view. Those come from here:
English by default, built-in translations for the languages below (chosen by the lecture's
language tag), and any of them replaced by name through ``theme.labels`` in the content file.

Resolve picks the words once and puts them on the Deck's metadata, so every output says the same.

Figure labels are formats with ``{number}``. European languages keep a space between the label
and the caption; Chinese and Japanese captions conventionally put an ideographic space (U+3000)
there and no full stop after the number ("图 1　训练曲线"), so the separator is a word too.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, fields, replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from generator.figures.words import FIGURE_ENGLISH, FIGURE_PLACEHOLDERS, FigureWords


def _word(english: str, description: str) -> Any:
    return field(default=english, metadata={"description": description})


@dataclass(frozen=True)
class InterfaceWords:
    """Every word the outputs add, English by default. Field names are the names `theme.labels` uses."""

    figure: str = _word("Figure {number}.", "The label before a figure's caption; {number} is the figure's number.")
    caption_separator: str = _word(
        " ", "What separates the figure label from its caption (an ideographic space in Chinese and Japanese)."
    )
    continued: str = _word("(cont.)", "Added to the title of a PowerPoint slide whose bullets continue from the last.")
    contents: str = _word("Contents", "The heading of the report's table of contents.")
    skip_to_text: str = _word("Skip to the text", "The report's skip link, shown to keyboard users.")
    slide: str = _word("Slide", "The word before a slide's number (slide counter, overview, presenter view).")
    slide_role: str = _word("slide", "What a screen reader calls one slide (aria-roledescription).")
    all_slides: str = _word("All slides", "The name of the slide overview (the O key).")
    next: str = _word("Next", "The presenter view's heading over the next slide.")
    notes: str = _word("Notes", "The presenter view's heading over the speaker notes.")
    end_of_deck: str = _word("End of the deck", "The presenter view's next-slide box after the last slide.")
    no_notes: str = _word("No notes for this slide.", "The presenter view's notes box when a slide has none.")
    reset: str = _word("Reset", "The presenter view's button that restarts the clock.")
    elapsed_time: str = _word("Elapsed time", "What a screen reader calls the presenter view's clock.")
    speaker_notes: str = _word("Speaker notes", "What a screen reader calls a slide's speaker notes.")
    next_and_notes: str = _word("Next slide and notes", "What a screen reader calls the presenter view's side panel.")
    presenter_title: str = _word(
        "Presenter: {title}", "The presenter view's window title; {title} is the lecture's title."
    )
    popup_blocked: str = _word(
        "The presenter view could not open: allow pop-up windows for this page, then press S again.",
        "Shown when the browser blocks the presenter view's window.",
    )

    def figure_label(self, number: int) -> str:
        return self.figure.replace("{number}", str(number))

    def continued_suffix(self) -> str:
        """What a continued slide's title gets appended: the word after a space, except where it begins
        with a full-width bracket, which carries its own spacing ("标题（续）")."""
        if self.continued and unicodedata.east_asian_width(self.continued[0]) in ("W", "F"):
            return self.continued
        return " " + self.continued

    def script_words(self) -> dict[str, str]:
        """The words the slide deck's script shows (the presenter view and the overview)."""
        return {name: getattr(self, name) for name in SCRIPT_WORDS}


ENGLISH = InterfaceWords()

# The placeholder each format must hold: without it the number (or title) would silently vanish.
PLACEHOLDERS = {"figure": "{number}", "presenter_title": "{title}"}

# Words used by templates/html/static/slides.js, handed to it through the page.
SCRIPT_WORDS = (
    "slide",
    "all_slides",
    "next",
    "notes",
    "end_of_deck",
    "no_notes",
    "reset",
    "elapsed_time",
    "speaker_notes",
    "next_and_notes",
    "presenter_title",
    "popup_blocked",
)

# Conventional forms: German "Abb. 3" (no punctuation, as in Springer and DIN style), French
# "Figure 3 : légende" (a no-break space before the colon), Portuguese (ABNT) "Figura 3 – título",
# Russian "Рис. 3.", Chinese and Japanese "图 3" with an ideographic space and full-width
# brackets, Korean "그림 3.". Slide and notes words follow what PowerPoint calls them in each language.
BUILT_IN: dict[str, InterfaceWords] = {
    "en": ENGLISH,
    "de": InterfaceWords(
        figure="Abb. {number}",
        continued="(Forts.)",
        contents="Inhalt",
        skip_to_text="Zum Text springen",
        slide="Folie",
        slide_role="Folie",
        all_slides="Alle Folien",
        next="Nächste Folie",
        notes="Notizen",
        end_of_deck="Ende der Präsentation",
        no_notes="Keine Notizen zu dieser Folie.",
        reset="Zurücksetzen",
        elapsed_time="Verstrichene Zeit",
        speaker_notes="Notizen des Vortragenden",
        next_and_notes="Nächste Folie und Notizen",
        presenter_title="Referentenansicht: {title}",
        popup_blocked="Die Referentenansicht konnte nicht geöffnet werden: Erlauben Sie Pop-up-Fenster für "
        "diese Seite und drücken Sie dann erneut S.",
    ),
    "fr": InterfaceWords(
        figure="Figure {number}",
        caption_separator="\u00a0: ",
        continued="(suite)",
        contents="Sommaire",
        skip_to_text="Aller au texte",
        slide="Diapositive",
        slide_role="diapositive",
        all_slides="Toutes les diapositives",
        next="Diapositive suivante",
        notes="Notes",
        end_of_deck="Fin de la présentation",
        no_notes="Aucune note pour cette diapositive.",
        reset="Réinitialiser",
        elapsed_time="Temps écoulé",
        speaker_notes="Notes du présentateur",
        next_and_notes="Diapositive suivante et notes",
        presenter_title="Mode présentateur\u00a0: {title}",
        popup_blocked="Le mode présentateur n’a pas pu s’ouvrir\u00a0: autorisez les fenêtres pop-up pour "
        "cette page, puis appuyez de nouveau sur S.",
    ),
    "es": InterfaceWords(
        figure="Figura {number}.",
        continued="(cont.)",
        contents="Índice",
        skip_to_text="Ir al texto",
        slide="Diapositiva",
        slide_role="diapositiva",
        all_slides="Todas las diapositivas",
        next="Diapositiva siguiente",
        notes="Notas",
        end_of_deck="Fin de la presentación",
        no_notes="Esta diapositiva no tiene notas.",
        reset="Reiniciar",
        elapsed_time="Tiempo transcurrido",
        speaker_notes="Notas del orador",
        next_and_notes="Diapositiva siguiente y notas",
        presenter_title="Vista del moderador: {title}",
        popup_blocked="No se pudo abrir la vista del moderador: permita las ventanas emergentes en esta "
        "página y vuelva a pulsar S.",
    ),
    "it": InterfaceWords(
        figure="Figura {number}.",
        continued="(cont.)",
        contents="Indice",
        skip_to_text="Vai al testo",
        slide="Diapositiva",
        slide_role="diapositiva",
        all_slides="Tutte le diapositive",
        next="Diapositiva successiva",
        notes="Note",
        end_of_deck="Fine della presentazione",
        no_notes="Nessuna nota per questa diapositiva.",
        reset="Azzera",
        elapsed_time="Tempo trascorso",
        speaker_notes="Note del relatore",
        next_and_notes="Diapositiva successiva e note",
        presenter_title="Visualizzazione relatore: {title}",
        popup_blocked="Impossibile aprire la visualizzazione relatore: consenti le finestre pop-up per "
        "questa pagina, poi premi di nuovo S.",
    ),
    "pt": InterfaceWords(
        figure="Figura {number}",
        caption_separator=" – ",
        continued="(cont.)",
        contents="Sumário",
        skip_to_text="Ir para o texto",
        slide="Slide",
        slide_role="slide",
        all_slides="Todos os slides",
        next="Próximo slide",
        notes="Anotações",
        end_of_deck="Fim da apresentação",
        no_notes="Este slide não tem anotações.",
        reset="Reiniciar",
        elapsed_time="Tempo decorrido",
        speaker_notes="Anotações do apresentador",
        next_and_notes="Próximo slide e anotações",
        presenter_title="Modo do apresentador: {title}",
        popup_blocked="Não foi possível abrir o modo do apresentador: permita janelas pop-up para esta "
        "página e pressione S novamente.",
    ),
    "nl": InterfaceWords(
        figure="Figuur {number}.",
        continued="(vervolg)",
        contents="Inhoud",
        skip_to_text="Naar de tekst",
        slide="Dia",
        slide_role="dia",
        all_slides="Alle dia’s",
        next="Volgende dia",
        notes="Notities",
        end_of_deck="Einde van de presentatie",
        no_notes="Geen notities bij deze dia.",
        reset="Opnieuw",
        elapsed_time="Verstreken tijd",
        speaker_notes="Notities van de spreker",
        next_and_notes="Volgende dia en notities",
        presenter_title="Presentatorweergave: {title}",
        popup_blocked="De presentatorweergave kon niet worden geopend: sta pop-upvensters toe voor deze "
        "pagina en druk dan opnieuw op S.",
    ),
    "ru": InterfaceWords(
        figure="Рис. {number}.",
        continued="(продолжение)",
        contents="Содержание",
        skip_to_text="Перейти к тексту",
        slide="Слайд",
        slide_role="слайд",
        all_slides="Все слайды",
        next="Следующий слайд",
        notes="Заметки",
        end_of_deck="Конец презентации",
        no_notes="У этого слайда нет заметок.",
        reset="Сбросить",
        elapsed_time="Прошедшее время",
        speaker_notes="Заметки докладчика",
        next_and_notes="Следующий слайд и заметки",
        presenter_title="Режим докладчика: {title}",
        popup_blocked="Не удалось открыть режим докладчика: разрешите всплывающие окна для этой страницы "
        "и снова нажмите S.",
    ),
    "zh-Hans": InterfaceWords(
        figure="图 {number}",
        caption_separator="\u3000",
        continued="（续）",
        contents="目录",
        skip_to_text="跳到正文",
        slide="幻灯片",
        slide_role="幻灯片",
        all_slides="全部幻灯片",
        next="下一张",
        notes="备注",
        end_of_deck="演示结束",
        no_notes="这张幻灯片没有备注。",
        reset="重置",
        elapsed_time="已用时间",
        speaker_notes="演讲者备注",
        next_and_notes="下一张幻灯片和备注",
        presenter_title="演示者视图：{title}",
        popup_blocked="无法打开演示者视图：请允许此页面弹出窗口，然后再按一次 S。",
    ),
    "zh-Hant": InterfaceWords(
        figure="圖 {number}",
        caption_separator="\u3000",
        continued="（續）",
        contents="目錄",
        skip_to_text="跳到正文",
        slide="投影片",
        slide_role="投影片",
        all_slides="所有投影片",
        next="下一張",
        notes="備註",
        end_of_deck="簡報結束",
        no_notes="這張投影片沒有備註。",
        reset="重設",
        elapsed_time="經過時間",
        speaker_notes="演講者備註",
        next_and_notes="下一張投影片和備註",
        presenter_title="簡報者檢視畫面：{title}",
        popup_blocked="無法開啟簡報者檢視畫面：請允許此頁面的彈出式視窗，然後再按一次 S。",
    ),
    "ja": InterfaceWords(
        figure="図 {number}",
        caption_separator="\u3000",
        continued="（続き）",
        contents="目次",
        skip_to_text="本文へ移動",
        slide="スライド",
        slide_role="スライド",
        all_slides="すべてのスライド",
        next="次のスライド",
        notes="ノート",
        end_of_deck="スライドはここまでです",
        no_notes="このスライドにはノートがありません。",
        reset="リセット",
        elapsed_time="経過時間",
        speaker_notes="発表者のノート",
        next_and_notes="次のスライドとノート",
        presenter_title="発表者ビュー：{title}",
        popup_blocked="発表者ビューを開けませんでした。"
        "このページのポップアップを許可してから、もう一度 S キーを押してください。",
    ),
    "ko": InterfaceWords(
        figure="그림 {number}.",
        continued="(계속)",
        contents="목차",
        skip_to_text="본문으로 건너뛰기",
        slide="슬라이드",
        slide_role="슬라이드",
        all_slides="모든 슬라이드",
        next="다음 슬라이드",
        notes="노트",
        end_of_deck="프레젠테이션 끝",
        no_notes="이 슬라이드에는 노트가 없습니다.",
        reset="재설정",
        elapsed_time="경과 시간",
        speaker_notes="발표자 노트",
        next_and_notes="다음 슬라이드와 노트",
        presenter_title="발표자 보기: {title}",
        popup_blocked="발표자 보기를 열 수 없습니다. 이 페이지의 팝업 창을 허용한 다음 S 키를 다시 누르세요.",
    ),
}

# Chinese regions whose conventional script is Traditional, where a tag names a region but no script.
TRADITIONAL_CHINESE_REGIONS = frozenset({"tw", "hk", "mo"})


def built_in_key(language: str) -> str:
    """The key of BUILT_IN whose words suit a BCP 47 tag: the language itself, its Chinese script
    (from the script subtag, else the region: zh-TW, zh-HK and zh-MO are Traditional), or "en"."""
    primary, *subtags = language.lower().replace("_", "-").split("-")
    if primary == "zh":
        script = next((tag for tag in subtags if len(tag) == 4 and tag.isalpha()), "")
        region = next((tag for tag in subtags if len(tag) == 2 and tag.isalpha()), "")
        traditional = script == "hant" or (script != "hans" and region in TRADITIONAL_CHINESE_REGIONS)
        return "zh-Hant" if traditional else "zh-Hans"
    return primary if primary in BUILT_IN else "en"


def words_left_in_english(language: str, overrides: LabelOverrides | None = None) -> list[str]:
    """The names of the words that a lecture in ``language`` would show in English: none where the
    language is English or has built-in words, else every word `theme.labels` does not give (the
    caption separator aside: a space suits most scripts)."""
    primary = language.lower().replace("_", "-").split("-")[0]
    if primary == "en" or built_in_key(language) != "en":
        return []
    given = set() if overrides is None else {name for name, value in overrides.model_dump().items() if value is not None}
    return [word.name for word in fields(InterfaceWords) if word.name not in given and word.name != "caption_separator"]


def interface_words(language: str, overrides: LabelOverrides | None = None) -> InterfaceWords:
    """The built-in words for ``language`` with the content's `theme.labels` laid over them."""
    words = BUILT_IN[built_in_key(language)]
    if overrides is None:
        return words
    own = {word.name for word in fields(InterfaceWords)}  # theme.labels also holds the figures' words
    given = {name: value for name, value in overrides.model_dump().items() if value is not None and name in own}
    return replace(words, **given)


# ----------------------------------------------------------------------------------------------
# The content's `theme.labels`: the same names, each optional, checked as the content is loaded.


def _english(name: str) -> str:
    return getattr(ENGLISH, name) if hasattr(ENGLISH, name) else getattr(FIGURE_ENGLISH, name)


def _check_placeholder(cls, value: str | None, info) -> str | None:
    placeholder = {**PLACEHOLDERS, **FIGURE_PLACEHOLDERS}.get(info.field_name)
    if value is not None and placeholder is not None and placeholder not in value:
        example = _english(info.field_name)
        # Worded like the other schema messages (generator/content/validation.py: "got text ('blue')").
        got = f"text ({value!r})" if len(value) <= 40 else "text"
        raise ValueError(
            f"the label must hold {placeholder} where the {placeholder[1:-1]} goes, e.g. {example!r}, got {got}"
        )
    return value


def _override_field(name: str, description: str) -> tuple[Any, Any]:
    english = _english(name)
    # The separator may be empty (a label that ends in its own punctuation); a word may not.
    shortest = 0 if name == "caption_separator" else 1
    return str | None, Field(None, min_length=shortest, description=f"{description} (English: {english!r})")


LabelOverrides: type[BaseModel] = create_model(
    "LabelOverrides",
    __config__=ConfigDict(extra="forbid", frozen=True),
    __doc__="Words the outputs add, replacing the built-in ones for the lecture's language, by name; "
    "also the words drawn into the figures (English unless given here).",
    __validators__={"placeholders": field_validator(*PLACEHOLDERS, *FIGURE_PLACEHOLDERS)(_check_placeholder)},
    **{item.name: _override_field(item.name, item.metadata["description"])
       for item in (*fields(InterfaceWords), *fields(FigureWords))},
)
