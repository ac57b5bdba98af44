"""The words lecturegen itself adds around a lecture's content, in the lecture's language.

The content is the author's, in whatever language ``lecture.language`` names; but the renderers
add words of their own: the label under each figure, the title suffix of a continued PowerPoint
slide, the report's contents heading, the slide deck's presenter view. Those come from here:
English by default, built-in translations for the languages below (chosen by the lecture's
language tag), and any of them replaced by name through ``theme.labels`` in the content file.

Resolve picks the words once and puts them on the Deck's metadata, so every output says the same.

The words drawn into the figures and native charts (axis titles, legends, notes: FigureWords, in
generator/figures/words.py) are translated here too, in FIGURE_TRANSLATIONS beside BUILT_IN, and chosen
by the same language tag (``figure_words``); the build hands them to every Display and chart.

Figure labels are formats with ``{number}``. European languages keep a space between the label
and the caption; Chinese and Japanese captions conventionally put an ideographic space (U+3000)
there and no full stop after the number ("图 1　训练曲线"), so the separator is a word too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from generator.figures.words import FIGURE_ENGLISH, FIGURE_PLACEHOLDERS, FIGURE_WORD_NAMES, FigureWords


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

# The words drawn into the figures and native charts (FigureWords, generator/figures/words.py) in each
# language of BUILT_IN but English, by FigureWords name. Every language gives every name, even where it
# is spelt as in English: a test holds each language to all of them, so a word added to FigureWords fails
# it until it is translated here. Kept as the literature writes them: Xavier, He, CNN, and the sigmoid
# bound; ReLU and sigmoid stay in Latin script in Chinese, Japanese and Korean too.
# Terms are those of the standard textbooks in each language. The d2l.ai glossaries (TERMINOLOGY.md of
# d2l-zh and d2l-ko) were checked term by term; the books are the references the terms follow:
#   zh-Hans  d2l.ai zh《动手学深度学习》(迭代周期 epoch, 准确率 accuracy, 隐藏层, 激活函数, 交叉熵, 全连接, 发散);
#            Goodfellow, Bengio & Courville《深度学习》(人民邮电出版社, 2017); 邱锡鹏《神经网络与深度学习》(2020)
#   zh-Hant  Taiwan usage (網路, 準確率, 隱藏層, 範數, 預設); Géron《精通機器學習：使用 Scikit-Learn, Keras 與
#            TensorFlow》(歐萊禮, 2020)
#   ja       斎藤康毅『ゼロから作る Deep Learning』(オライリー・ジャパン, 2016: 隠れ層, 活性化関数, 勾配, Xavier
#            と He の初期値); Goodfellow ほか『深層学習』(KADOKAWA, 2018)
#   ko       d2l.ai ko (에포크, 은닉층, 정확도, 활성화 함수, 파라미터); Géron『핸즈온 머신러닝』(박해선 옮김,
#            한빛미디어, 2020: 그레이디언트, 훈련 손실, 특성 맵, 합성곱)
#   de       Goodfellow u. a., „Deep Learning. Das umfassende Handbuch“ (mitp, 2018); Géron, „Praxiseinstieg
#            Machine Learning mit Scikit-Learn, Keras und TensorFlow“ (O’Reilly, 2020)
#   fr       Goodfellow et al., « L’apprentissage profond » (Massot, 2018); Géron, « Deep Learning avec Keras
#            et TensorFlow » (Dunod, 2020); "exactitude" for accuracy, as "précision" is precision
#   es       Géron, «Aprende Machine Learning con Scikit-Learn, Keras y TensorFlow» (Anaya, 2020); "exactitud"
#   pt       Géron, "Mãos à Obra: Aprendizado de Máquina com Scikit-Learn, Keras & TensorFlow" (Alta Books,
#            2021); Brazilian Portuguese ("acurácia"), as the interface words above
#   ru       Гудфеллоу и др. «Глубокое обучение» (ДМК Пресс, 2018); Николенко, Кадурин, Архангельская «Глубокое
#            обучение» (Питер, 2018); accuracy is "доля верных ответов", as "точность" is also precision
#   it, nl   the terms of university course material (no one standard textbook); Dutch writes "epoch" and
#            "parameters" as English does
FIGURE_TRANSLATIONS: dict[str, dict[str, str]] = {
    "de": {
        "epoch_axis": "Epoche",
        "hidden_layers_axis": "verborgene Schichten",
        "layer_axis": "Schicht (1 = nach der Eingabe, {output} = Ausgabe)",
        "test_accuracy_axis": "Testgenauigkeit (%)",
        "test_error_axis": "Testfehlerrate (%)",
        "training_loss_axis": "Trainingsverlust (Kreuzentropie)",
        "weight_gradient_axis": "Gradientennorm \u2016\u2202L/\u2202W\u2016",
        "signal_gradient_axis": "rückpropagierter Gradient \u2016\u2202L/\u2202z\u2016",
        "input_axis": "Eingabe x",
        "output_axis": "Ausgabe f(x)",
        "derivative_axis": "Ableitung f\u2032(x)",
        "layer_count_axis": "Anzahl der Schichten n",
        "chain_factor_axis": "größter Gradientenfaktor  max|f\u2032|\u207f",
        "predicted_digit_axis": "vorhergesagte Ziffer",
        "true_digit_axis": "tatsächliche Ziffer",
        "hidden_layers_title": "{depth} verborgene Schichten",
        "at_initialisation": "bei der Initialisierung",
        "after_epoch": "nach Epoche {epoch}",
        "activation_legend": "Aktivierungsfunktion",
        "initialisation_legend": "Initialisierung",
        "initial_weights_legend": "Anfangsgewichte",
        "default_init": "Standard",
        "xavier_init": "Xavier",
        "he_init": "He",
        "chance": "Zufallsniveau",
        "best_rate_title": "bei der besten Lernrate jedes Netzes aus {rates}; schattiert: alle Lernraten",
        "guessing": "Raten (ln 10)",
        "weight_scale": "{scale}\u00d7 die stabile Skala",
        "diverged_series": "{series}, divergiert in Epoche {epoch}",
        "sigmoid_bound": "sigmoid\u2032 \u2264 {bound} = 1/4",
        "cnn": "CNN",
        "dense_network": "vollständig verbundenes Netz",
        "parameter_count": "{count} Parameter",
        "wrong": "falsch",
        "right": "richtig",
        "filters_title": "Filter der ersten Schicht (rot: positives Gewicht, blau: negatives)",
        "input_digit_title": "Eingabeziffer",
        "feature_maps_title": "Merkmalskarten nach der ersten Faltung und ReLU",
    },
    "fr": {
        "epoch_axis": "époque",
        "hidden_layers_axis": "couches cachées",
        "layer_axis": "couche (1 = après l’entrée, {output} = sortie)",
        "test_accuracy_axis": "exactitude sur le test (%)",
        "test_error_axis": "taux d’erreur sur le test (%)",
        "training_loss_axis": "perte d’entraînement (entropie croisée)",
        "weight_gradient_axis": "norme du gradient \u2016\u2202L/\u2202W\u2016",
        "signal_gradient_axis": "gradient rétropropagé \u2016\u2202L/\u2202z\u2016",
        "input_axis": "entrée x",
        "output_axis": "sortie f(x)",
        "derivative_axis": "dérivée f\u2032(x)",
        "layer_count_axis": "nombre de couches n",
        "chain_factor_axis": "plus grand facteur du gradient  max|f\u2032|\u207f",
        "predicted_digit_axis": "chiffre prédit",
        "true_digit_axis": "chiffre réel",
        "hidden_layers_title": "{depth} couches cachées",
        "at_initialisation": "à l’initialisation",
        "after_epoch": "après l’époque {epoch}",
        "activation_legend": "fonction d’activation",
        "initialisation_legend": "initialisation",
        "initial_weights_legend": "poids initiaux",
        "default_init": "par défaut",
        "xavier_init": "Xavier",
        "he_init": "He",
        "chance": "niveau du hasard",
        "best_rate_title": "au meilleur taux d’apprentissage de chaque réseau parmi {rates}\u00a0; en grisé\u00a0: tous les taux",
        "guessing": "réponse au hasard (ln 10)",
        "weight_scale": "{scale}\u00d7 l’échelle stable",
        "diverged_series": "{series}, diverge à l’époque {epoch}",
        "sigmoid_bound": "sigmoid\u2032 \u2264 {bound} = 1/4",
        "cnn": "CNN",
        "dense_network": "réseau dense",
        "parameter_count": "{count} paramètres",
        "wrong": "d’erreurs",
        "right": "de réussite",
        "filters_title": "filtres de la première couche (rouge\u00a0: poids positif, bleu\u00a0: négatif)",
        "input_digit_title": "chiffre en entrée",
        "feature_maps_title": "cartes de caractéristiques après la première convolution et la ReLU",
    },
    "es": {
        "epoch_axis": "época",
        "hidden_layers_axis": "capas ocultas",
        "layer_axis": "capa (1 = junto a la entrada, {output} = salida)",
        "test_accuracy_axis": "exactitud en la prueba (%)",
        "test_error_axis": "tasa de error en la prueba (%)",
        "training_loss_axis": "pérdida de entrenamiento (entropía cruzada)",
        "weight_gradient_axis": "norma del gradiente \u2016\u2202L/\u2202W\u2016",
        "signal_gradient_axis": "gradiente retropropagado \u2016\u2202L/\u2202z\u2016",
        "input_axis": "entrada x",
        "output_axis": "salida f(x)",
        "derivative_axis": "derivada f\u2032(x)",
        "layer_count_axis": "número de capas n",
        "chain_factor_axis": "mayor factor del gradiente  max|f\u2032|\u207f",
        "predicted_digit_axis": "dígito predicho",
        "true_digit_axis": "dígito real",
        "hidden_layers_title": "{depth} capas ocultas",
        "at_initialisation": "en la inicialización",
        "after_epoch": "tras la época {epoch}",
        "activation_legend": "función de activación",
        "initialisation_legend": "inicialización",
        "initial_weights_legend": "pesos iniciales",
        "default_init": "por defecto",
        "xavier_init": "Xavier",
        "he_init": "He",
        "chance": "nivel de azar",
        "best_rate_title": "con la mejor tasa de aprendizaje de cada red entre {rates}; sombreado: todas las tasas",
        "guessing": "adivinar al azar (ln 10)",
        "weight_scale": "{scale}\u00d7 la escala estable",
        "diverged_series": "{series}, diverge en la época {epoch}",
        "sigmoid_bound": "sigmoid\u2032 \u2264 {bound} = 1/4",
        "cnn": "CNN",
        "dense_network": "red densa",
        "parameter_count": "{count} parámetros",
        "wrong": "de error",
        "right": "de acierto",
        "filters_title": "filtros de la primera capa (rojo: peso positivo, azul: negativo)",
        "input_digit_title": "dígito de entrada",
        "feature_maps_title": "mapas de características tras la primera convolución y la ReLU",
    },
    "it": {
        "epoch_axis": "epoca",
        "hidden_layers_axis": "strati nascosti",
        "layer_axis": "strato (1 = dopo l’ingresso, {output} = uscita)",
        "test_accuracy_axis": "accuratezza sul test (%)",
        "test_error_axis": "tasso di errore sul test (%)",
        "training_loss_axis": "perdita di addestramento (entropia incrociata)",
        "weight_gradient_axis": "norma del gradiente \u2016\u2202L/\u2202W\u2016",
        "signal_gradient_axis": "gradiente retropropagato \u2016\u2202L/\u2202z\u2016",
        "input_axis": "ingresso x",
        "output_axis": "uscita f(x)",
        "derivative_axis": "derivata f\u2032(x)",
        "layer_count_axis": "numero di strati n",
        "chain_factor_axis": "massimo fattore del gradiente  max|f\u2032|\u207f",
        "predicted_digit_axis": "cifra prevista",
        "true_digit_axis": "cifra reale",
        "hidden_layers_title": "{depth} strati nascosti",
        "at_initialisation": "all’inizializzazione",
        "after_epoch": "dopo l’epoca {epoch}",
        "activation_legend": "funzione di attivazione",
        "initialisation_legend": "inizializzazione",
        "initial_weights_legend": "pesi iniziali",
        "default_init": "predefinita",
        "xavier_init": "Xavier",
        "he_init": "He",
        "chance": "livello casuale",
        "best_rate_title": "al miglior tasso di apprendimento di ogni rete tra {rates}; in ombra: tutti i tassi",
        "guessing": "risposta a caso (ln 10)",
        "weight_scale": "{scale}\u00d7 la scala stabile",
        "diverged_series": "{series}, diverge all’epoca {epoch}",
        "sigmoid_bound": "sigmoid\u2032 \u2264 {bound} = 1/4",
        "cnn": "CNN",
        "dense_network": "rete densa",
        "parameter_count": "{count} parametri",
        "wrong": "errate",
        "right": "corrette",
        "filters_title": "filtri del primo strato (rosso: peso positivo, blu: negativo)",
        "input_digit_title": "cifra in ingresso",
        "feature_maps_title": "mappe di caratteristiche dopo la prima convoluzione e la ReLU",
    },
    "pt": {
        "epoch_axis": "época",
        "hidden_layers_axis": "camadas ocultas",
        "layer_axis": "camada (1 = junto à entrada, {output} = saída)",
        "test_accuracy_axis": "acurácia no teste (%)",
        "test_error_axis": "taxa de erro no teste (%)",
        "training_loss_axis": "perda de treinamento (entropia cruzada)",
        "weight_gradient_axis": "norma do gradiente \u2016\u2202L/\u2202W\u2016",
        "signal_gradient_axis": "gradiente retropropagado \u2016\u2202L/\u2202z\u2016",
        "input_axis": "entrada x",
        "output_axis": "saída f(x)",
        "derivative_axis": "derivada f\u2032(x)",
        "layer_count_axis": "número de camadas n",
        "chain_factor_axis": "maior fator do gradiente  max|f\u2032|\u207f",
        "predicted_digit_axis": "dígito previsto",
        "true_digit_axis": "dígito real",
        "hidden_layers_title": "{depth} camadas ocultas",
        "at_initialisation": "na inicialização",
        "after_epoch": "após a época {epoch}",
        "activation_legend": "função de ativação",
        "initialisation_legend": "inicialização",
        "initial_weights_legend": "pesos iniciais",
        "default_init": "padrão",
        "xavier_init": "Xavier",
        "he_init": "He",
        "chance": "nível do acaso",
        "best_rate_title": "na melhor taxa de aprendizado de cada rede entre {rates}; sombreado: todas as taxas",
        "guessing": "palpite aleatório (ln 10)",
        "weight_scale": "{scale}\u00d7 a escala estável",
        "diverged_series": "{series}, diverge na época {epoch}",
        "sigmoid_bound": "sigmoid\u2032 \u2264 {bound} = 1/4",
        "cnn": "CNN",
        "dense_network": "rede densa",
        "parameter_count": "{count} parâmetros",
        "wrong": "de erro",
        "right": "de acerto",
        "filters_title": "filtros da primeira camada (vermelho: peso positivo, azul: negativo)",
        "input_digit_title": "dígito de entrada",
        "feature_maps_title": "mapas de características após a primeira convolução e a ReLU",
    },
    "nl": {
        "epoch_axis": "epoch",
        "hidden_layers_axis": "verborgen lagen",
        "layer_axis": "laag (1 = na de invoer, {output} = uitvoer)",
        "test_accuracy_axis": "nauwkeurigheid op de testset (%)",
        "test_error_axis": "foutpercentage op de testset (%)",
        "training_loss_axis": "trainingsverlies (kruisentropie)",
        "weight_gradient_axis": "gradiëntnorm \u2016\u2202L/\u2202W\u2016",
        "signal_gradient_axis": "teruggepropageerde gradiënt \u2016\u2202L/\u2202z\u2016",
        "input_axis": "invoer x",
        "output_axis": "uitvoer f(x)",
        "derivative_axis": "afgeleide f\u2032(x)",
        "layer_count_axis": "aantal lagen n",
        "chain_factor_axis": "grootste gradiëntfactor  max|f\u2032|\u207f",
        "predicted_digit_axis": "voorspeld cijfer",
        "true_digit_axis": "werkelijk cijfer",
        "hidden_layers_title": "{depth} verborgen lagen",
        "at_initialisation": "bij initialisatie",
        "after_epoch": "na epoch {epoch}",
        "activation_legend": "activatiefunctie",
        "initialisation_legend": "initialisatie",
        "initial_weights_legend": "begingewichten",
        "default_init": "standaard",
        "xavier_init": "Xavier",
        "he_init": "He",
        "chance": "kansniveau",
        "best_rate_title": "bij de beste leersnelheid van elk netwerk uit {rates}; gearceerd: alle leersnelheden",
        "guessing": "gokken (ln 10)",
        "weight_scale": "{scale}\u00d7 de stabiele schaal",
        "diverged_series": "{series}, divergeert in epoch {epoch}",
        "sigmoid_bound": "sigmoid\u2032 \u2264 {bound} = 1/4",
        "cnn": "CNN",
        "dense_network": "volledig verbonden netwerk",
        "parameter_count": "{count} parameters",
        "wrong": "fout",
        "right": "goed",
        "filters_title": "filters van de eerste laag (rood: positief gewicht, blauw: negatief)",
        "input_digit_title": "invoercijfer",
        "feature_maps_title": "kenmerkkaarten na de eerste convolutie en ReLU",
    },
    "ru": {
        "epoch_axis": "эпоха",
        "hidden_layers_axis": "скрытые слои",
        "layer_axis": "слой (1 = у входа, {output} = выходной)",
        "test_accuracy_axis": "доля верных ответов на тесте (%)",
        "test_error_axis": "доля ошибок на тесте (%)",
        "training_loss_axis": "потери на обучении (перекрёстная энтропия)",
        "weight_gradient_axis": "норма градиента \u2016\u2202L/\u2202W\u2016",
        "signal_gradient_axis": "обратно распространённый градиент \u2016\u2202L/\u2202z\u2016",
        "input_axis": "вход x",
        "output_axis": "выход f(x)",
        "derivative_axis": "производная f\u2032(x)",
        "layer_count_axis": "число слоёв n",
        "chain_factor_axis": "наибольший множитель градиента  max|f\u2032|\u207f",
        "predicted_digit_axis": "предсказанная цифра",
        "true_digit_axis": "истинная цифра",
        "hidden_layers_title": "скрытых слоёв: {depth}",
        "at_initialisation": "при инициализации",
        "after_epoch": "после эпохи {epoch}",
        "activation_legend": "функция активации",
        "initialisation_legend": "инициализация",
        "initial_weights_legend": "начальные веса",
        "default_init": "по умолчанию",
        "xavier_init": "Xavier",
        "he_init": "He",
        "chance": "уровень угадывания",
        "best_rate_title": "при лучшей для каждой сети скорости обучения из {rates}; тень: все скорости",
        "guessing": "угадывание (ln 10)",
        "weight_scale": "{scale}\u00d7 устойчивый масштаб",
        "diverged_series": "{series}, расходится на эпохе {epoch}",
        "sigmoid_bound": "sigmoid\u2032 \u2264 {bound} = 1/4",
        "cnn": "CNN",
        "dense_network": "полносвязная сеть",
        "parameter_count": "параметров: {count}",
        "wrong": "ошибок",
        "right": "верно",
        "filters_title": "фильтры первого слоя (красный: положительный вес, синий: отрицательный)",
        "input_digit_title": "входная цифра",
        "feature_maps_title": "карты признаков после первой свёртки и ReLU",
    },
    "zh-Hans": {
        "epoch_axis": "迭代周期",
        "hidden_layers_axis": "隐藏层数",
        "layer_axis": "层（1 = 紧接输入，{output} = 输出层）",
        "test_accuracy_axis": "测试准确率（%）",
        "test_error_axis": "测试错误率（%）",
        "training_loss_axis": "训练损失（交叉熵）",
        "weight_gradient_axis": "梯度范数 \u2016\u2202L/\u2202W\u2016",
        "signal_gradient_axis": "反向传播的梯度 \u2016\u2202L/\u2202z\u2016",
        "input_axis": "输入 x",
        "output_axis": "输出 f(x)",
        "derivative_axis": "导数 f\u2032(x)",
        "layer_count_axis": "层数 n",
        "chain_factor_axis": "最大梯度因子  max|f\u2032|\u207f",
        "predicted_digit_axis": "预测数字",
        "true_digit_axis": "真实数字",
        "hidden_layers_title": "{depth} 个隐藏层",
        "at_initialisation": "初始化时",
        "after_epoch": "第 {epoch} 个迭代周期后",
        "activation_legend": "激活函数",
        "initialisation_legend": "初始化",
        "initial_weights_legend": "初始权重",
        "default_init": "默认",
        "xavier_init": "Xavier",
        "he_init": "He",
        "chance": "随机猜测",
        "best_rate_title": "每个网络取 {rates} 中最佳的学习率；阴影：所有学习率",
        "guessing": "随机猜测（ln 10）",
        "weight_scale": "稳定尺度的 {scale} 倍",
        "diverged_series": "{series}，第 {epoch} 个迭代周期发散",
        "sigmoid_bound": "sigmoid\u2032 \u2264 {bound} = 1/4",
        "cnn": "CNN",
        "dense_network": "全连接网络",
        "parameter_count": "{count} 个参数",
        "wrong": "错误",
        "right": "正确",
        "filters_title": "第一层的卷积核（红：正权重，蓝：负权重）",
        "input_digit_title": "输入数字",
        "feature_maps_title": "第一次卷积和 ReLU 之后的特征图",
    },
    "zh-Hant": {
        "epoch_axis": "訓練週期",
        "hidden_layers_axis": "隱藏層數",
        "layer_axis": "層（1 = 緊接輸入，{output} = 輸出層）",
        "test_accuracy_axis": "測試準確率（%）",
        "test_error_axis": "測試錯誤率（%）",
        "training_loss_axis": "訓練損失（交叉熵）",
        "weight_gradient_axis": "梯度範數 \u2016\u2202L/\u2202W\u2016",
        "signal_gradient_axis": "反向傳播的梯度 \u2016\u2202L/\u2202z\u2016",
        "input_axis": "輸入 x",
        "output_axis": "輸出 f(x)",
        "derivative_axis": "導數 f\u2032(x)",
        "layer_count_axis": "層數 n",
        "chain_factor_axis": "最大梯度因子  max|f\u2032|\u207f",
        "predicted_digit_axis": "預測數字",
        "true_digit_axis": "真實數字",
        "hidden_layers_title": "{depth} 個隱藏層",
        "at_initialisation": "初始化時",
        "after_epoch": "第 {epoch} 個訓練週期後",
        "activation_legend": "激活函數",
        "initialisation_legend": "初始化",
        "initial_weights_legend": "初始權重",
        "default_init": "預設",
        "xavier_init": "Xavier",
        "he_init": "He",
        "chance": "隨機猜測",
        "best_rate_title": "每個網路取 {rates} 中最佳的學習率；陰影：所有學習率",
        "guessing": "隨機猜測（ln 10）",
        "weight_scale": "穩定尺度的 {scale} 倍",
        "diverged_series": "{series}，第 {epoch} 個訓練週期發散",
        "sigmoid_bound": "sigmoid\u2032 \u2264 {bound} = 1/4",
        "cnn": "CNN",
        "dense_network": "全連接網路",
        "parameter_count": "{count} 個參數",
        "wrong": "錯誤",
        "right": "正確",
        "filters_title": "第一層的卷積核（紅：正權重，藍：負權重）",
        "input_digit_title": "輸入數字",
        "feature_maps_title": "第一次卷積與 ReLU 之後的特徵圖",
    },
    "ja": {
        "epoch_axis": "エポック",
        "hidden_layers_axis": "隠れ層の数",
        "layer_axis": "層（1 = 入力の次、{output} = 出力層）",
        "test_accuracy_axis": "テスト精度（%）",
        "test_error_axis": "テスト誤り率（%）",
        "training_loss_axis": "訓練損失（交差エントロピー）",
        "weight_gradient_axis": "勾配ノルム \u2016\u2202L/\u2202W\u2016",
        "signal_gradient_axis": "逆伝播された勾配 \u2016\u2202L/\u2202z\u2016",
        "input_axis": "入力 x",
        "output_axis": "出力 f(x)",
        "derivative_axis": "導関数 f\u2032(x)",
        "layer_count_axis": "層数 n",
        "chain_factor_axis": "最大の勾配係数  max|f\u2032|\u207f",
        "predicted_digit_axis": "予測した数字",
        "true_digit_axis": "正解の数字",
        "hidden_layers_title": "隠れ層 {depth} 層",
        "at_initialisation": "初期化時",
        "after_epoch": "{epoch} エポック後",
        "activation_legend": "活性化関数",
        "initialisation_legend": "初期化",
        "initial_weights_legend": "重みの初期値",
        "default_init": "デフォルト",
        "xavier_init": "Xavier",
        "he_init": "He",
        "chance": "チャンスレベル",
        "best_rate_title": "各ネットワークは {rates} のうち最良の学習率（網掛け：すべての学習率）",
        "guessing": "ランダムな推測（ln 10）",
        "weight_scale": "安定なスケールの {scale} 倍",
        "diverged_series": "{series}、{epoch} エポック目で発散",
        "sigmoid_bound": "sigmoid\u2032 \u2264 {bound} = 1/4",
        "cnn": "CNN",
        "dense_network": "全結合ネットワーク",
        "parameter_count": "パラメータ {count} 個",
        "wrong": "誤り",
        "right": "正解",
        "filters_title": "第 1 層のフィルタ（赤：正の重み、青：負の重み）",
        "input_digit_title": "入力の数字",
        "feature_maps_title": "最初の畳み込みと ReLU の後の特徴マップ",
    },
    "ko": {
        "epoch_axis": "에포크",
        "hidden_layers_axis": "은닉층 수",
        "layer_axis": "층 (1 = 입력 바로 다음, {output} = 출력층)",
        "test_accuracy_axis": "테스트 정확도 (%)",
        "test_error_axis": "테스트 오류율 (%)",
        "training_loss_axis": "훈련 손실 (크로스 엔트로피)",
        "weight_gradient_axis": "그레이디언트 노름 \u2016\u2202L/\u2202W\u2016",
        "signal_gradient_axis": "역전파된 그레이디언트 \u2016\u2202L/\u2202z\u2016",
        "input_axis": "입력 x",
        "output_axis": "출력 f(x)",
        "derivative_axis": "도함수 f\u2032(x)",
        "layer_count_axis": "층 수 n",
        "chain_factor_axis": "최대 그레이디언트 배율  max|f\u2032|\u207f",
        "predicted_digit_axis": "예측한 숫자",
        "true_digit_axis": "실제 숫자",
        "hidden_layers_title": "은닉층 {depth}개",
        "at_initialisation": "초기화 시점",
        "after_epoch": "에포크 {epoch} 이후",
        "activation_legend": "활성화 함수",
        "initialisation_legend": "초기화",
        "initial_weights_legend": "초기 가중치",
        "default_init": "기본값",
        "xavier_init": "Xavier",
        "he_init": "He",
        "chance": "무작위 추측",
        "best_rate_title": "각 네트워크는 {rates} 중 최적의 학습률 (음영: 모든 학습률)",
        "guessing": "무작위 추측 (ln 10)",
        "weight_scale": "안정 스케일의 {scale}배",
        "diverged_series": "{series}, 에포크 {epoch}에서 발산",
        "sigmoid_bound": "sigmoid\u2032 \u2264 {bound} = 1/4",
        "cnn": "CNN",
        "dense_network": "완전 연결 네트워크",
        "parameter_count": "파라미터 {count}개",
        "wrong": "오답",
        "right": "정답",
        "filters_title": "첫 번째 층의 필터 (빨강: 양의 가중치, 파랑: 음의 가중치)",
        "input_digit_title": "입력 숫자",
        "feature_maps_title": "첫 번째 합성곱과 ReLU 이후의 특성 맵",
    },
}

# A word missing from a language is drawn in English, and a name FigureWords no longer has is ignored;
# tests/figures/test_figure_languages.py names both.
FIGURE_BUILT_IN: dict[str, FigureWords] = {
    "en": FIGURE_ENGLISH,
    **{key: replace(FIGURE_ENGLISH, **{name: word for name, word in words.items() if name in FIGURE_WORD_NAMES})
       for key, words in FIGURE_TRANSLATIONS.items()},
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


def _given(overrides: LabelOverrides | None) -> dict[str, str]:
    """The words the content's `theme.labels` gives, by name."""
    return {} if overrides is None else {name: value for name, value in overrides.model_dump().items() if value is not None}


def _left_in_english(language: str, overrides: LabelOverrides | None, names: Iterable[str]) -> list[str]:
    primary = language.lower().replace("_", "-").split("-")[0]
    if primary == "en" or built_in_key(language) != "en":
        return []
    given = _given(overrides)
    return [name for name in names if name not in given]


def words_left_in_english(language: str, overrides: LabelOverrides | None = None) -> list[str]:
    """The names of the words around the content that a lecture in ``language`` would show in English:
    none where the language is English or has built-in words, else every word `theme.labels` does not
    give (the caption separator aside: a space suits most scripts)."""
    return _left_in_english(language, overrides, (word.name for word in fields(InterfaceWords)
                                                   if word.name != "caption_separator"))


# Figure words every built-in language writes as English does (Xavier, He, CNN, the sigmoid bound): names,
# not words left untranslated, so a lecture in another language is not told to translate them.
FIGURE_WORDS_KEPT_AS_NAMES = frozenset(
    name for name in FIGURE_WORD_NAMES
    if all(words.get(name) == getattr(FIGURE_ENGLISH, name) for words in FIGURE_TRANSLATIONS.values())
)


def figure_words_left_in_english(language: str, overrides: LabelOverrides | None = None) -> list[str]:
    """The names of the words drawn into figures and charts that a lecture in ``language`` would show in
    English: none where the language is English or has built-in words, else every one `theme.labels`
    does not give (the names every language keeps aside)."""
    return _left_in_english(language, overrides,
                            (name for name in FIGURE_WORD_NAMES if name not in FIGURE_WORDS_KEPT_AS_NAMES))


def interface_words(language: str, overrides: LabelOverrides | None = None) -> InterfaceWords:
    """The built-in words for ``language`` with the content's `theme.labels` laid over them."""
    words = BUILT_IN[built_in_key(language)]
    own = {word.name for word in fields(InterfaceWords)}  # theme.labels also holds the figures' words
    given = {name: value for name, value in _given(overrides).items() if name in own}
    return replace(words, **given) if given else words


def figure_words(language: str, overrides: LabelOverrides | None = None) -> FigureWords:
    """The words drawn into figures and native charts for ``language`` (its built-in ones, chosen as the
    interface words are, else English) with the content's `theme.labels` laid over them."""
    words = FIGURE_BUILT_IN.get(built_in_key(language), FIGURE_ENGLISH)
    given = {name: value for name, value in _given(overrides).items() if name in FIGURE_WORD_NAMES}
    return replace(words, **given) if given else words


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
    "also the words drawn into the figures and native charts.",
    __validators__={"placeholders": field_validator(*PLACEHOLDERS, *FIGURE_PLACEHOLDERS)(_check_placeholder)},
    **{item.name: _override_field(item.name, item.metadata["description"])
       for item in (*fields(InterfaceWords), *fields(FigureWords))},
)
