// portcheck report: a "Copy" button on each copyable snippet. The page is complete without this
// script (a snippet can be selected and copied by hand); it only adds the buttons.
(function () {
  "use strict";
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // The selection fallback: select the snippet and ask the browser to copy it (older browsers, or a
  // clipboard API that refused); when even that fails, the snippet stays selected for Ctrl+C.
  function copyBySelection(node) {
    selectText(node);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function copy(node) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(node.textContent).catch(function () {
        return copyBySelection(node) ? undefined : Promise.reject(new Error("copy refused"));
      });
    }
    return copyBySelection(node) ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function say(button, label, message) {
    button.textContent = label;
    status.textContent = message;
    window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
  }

  Array.prototype.forEach.call(document.querySelectorAll(".snippet"), function (snippet) {
    var pre = snippet.querySelector("pre.copyable");
    var bar = snippet.querySelector(".snippet-bar");
    if (!pre || !bar) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      copy(pre).then(function () {
        say(button, "Copied", "Copied to the clipboard.");
      }, function () {
        say(button, "Selected", "The snippet is selected: press Ctrl+C or Cmd+C to copy it.");
      });
    });
    bar.appendChild(button);
  });
}());
