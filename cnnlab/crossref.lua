-- Resolve Quarto-style cross-references (@fig-x, @tbl-x, @sec-x) without Quarto.
-- Pandoc parses them as citations; without a bibliography its Typst writer emits #cite(<fig-x>),
-- which Typst rejects. HTML: number figures, tables and sections here and link to them.
-- Typst: hand the reference to Typst (@fig-x), which numbers figures, tables and headings itself.
-- Runs before --citeproc, which then formats the remaining citations ([@key] of references.bib).
-- HTML: each table is wrapped in a div.table-wrap, which scrolls sideways when the table is wider
-- than the text (report.css), so that no cell has to wrap a number.

local kinds = { fig = "Figure", tbl = "Table", sec = "Section" }
local numbers = {}
local typst = FORMAT:match("typst") ~= nil

local function prefix_of(id)
  return id and id:match("^(%a+)%-")
end

-- Quarto tables are written as a Div #tbl-x around a captioned table: move the id onto the table.
local function lift_table_ids(div)
  if prefix_of(div.identifier) == "tbl" and #div.content == 1 and div.content[1].t == "Table" then
    local tbl = div.content[1]
    tbl.identifier = div.identifier
    return tbl
  end
end

local function number_all(doc)
  local fig, tbl = 0, 0
  local levels = {}
  local lettered = false
  doc:walk({
    Figure = function(f)
      if prefix_of(f.identifier) == "fig" then fig = fig + 1; numbers[f.identifier] = tostring(fig) end
    end,
    Table = function(t)
      if prefix_of(t.identifier) == "tbl" then tbl = tbl + 1; numbers[t.identifier] = tostring(tbl) end
    end,
    Header = function(h)
      if h.classes:includes("unnumbered") then return end
      if h.classes:includes("appendix") and not lettered then lettered = true; levels = {} end
      levels[h.level] = (levels[h.level] or 0) + 1
      for l = h.level + 1, 9 do levels[l] = nil end
      local parts = {}
      for l = 1, h.level do parts[#parts + 1] = tostring(levels[l] or 0) end
      if lettered then parts[1] = string.char(64 + (levels[1] or 1)) end
      if h.identifier ~= "" then numbers[h.identifier] = table.concat(parts, ".") end
    end,
  })
end

local function caption_prefix(caption, text)
  if caption.long and #caption.long > 0 and caption.long[1].content then
    table.insert(caption.long[1].content, 1, pandoc.Str(text .. ": "))
  else
    caption.long = { pandoc.Plain({ pandoc.Str(text) }) }
  end
  return caption
end

local function resolve(cite)
  local out = {}
  for i, c in ipairs(cite.citations) do
    local kind = kinds[prefix_of(c.id)]
    if not kind then return nil end
    if kind == "Section" and (numbers[c.id] or ""):match("^%u") then kind = "Appendix" end
    if i > 1 then out[#out + 1] = pandoc.Str(", ") end
    local bare = c.mode == "SuppressAuthor"  -- [-@sec-x]: the number alone, as in "Sections 3.4.1 and 5.1.1"
    if typst then
      local ref = bare and ("#ref(<" .. c.id .. ">, supplement: none)") or ("@" .. c.id)
      out[#out + 1] = pandoc.RawInline("typst", ref)
    else
      local n = numbers[c.id]
      if not n then
        io.stderr:write("crossref: unresolved reference @" .. c.id .. "\n")
        n = "??"
      end
      out[#out + 1] = pandoc.Link(bare and n or (kind .. " " .. n), "#" .. c.id)
    end
  end
  return out
end

-- Typst sizes auto columns to their content, but it would rather wrap a cell ("tiny VGG, 3 / blocks",
-- "65.74 ± / 1.33 %") than a header; short body cells get no-break spaces, so headers wrap instead
-- (report-tables.typ gives each column at least its widest body cell).
local NBSP = "\u{00A0}"
local function glue_short_cells(t)
  for _, body in ipairs(t.bodies) do
    for _, row in ipairs(body.body) do
      for _, cell in ipairs(row.cells) do
        if #pandoc.utils.stringify(cell.contents) <= 32 then
          cell.contents = pandoc.Blocks(cell.contents):walk({ Space = function() return pandoc.Str(NBSP) end })
        end
      end
    end
  end
  -- a header keeps a unit in parentheses with the word before it: "test, batch (%)" may wrap, but
  -- never leaves "(%)" or "(pp)" alone on a line
  for _, row in ipairs(t.head.rows) do
    for _, cell in ipairs(row.cells) do
      cell.contents = pandoc.Blocks(cell.contents):walk({
        Inlines = function(inlines)
          for i = #inlines, 2, -1 do
            local next_ = inlines[i + 1]
            if inlines[i].t == "Space" and next_ and next_.t == "Str" and next_.text:match("^%(.*%)$") then
              inlines[i] = pandoc.Str(NBSP)
            end
          end
          return inlines
        end,
      })
    end
  end
  return t
end

-- Typst: every chapter after the first starts a page (the first follows the preface), after the figures
-- still waiting have been placed. The break goes before the heading, not into its show rule: a heading's
-- location, which the contents and the PDF outline print, is where its show rule's output starts.
local CHAPTER_BREAK = "#context if counter(heading).get().first() > 0 { place.flush(); pagebreak(weak: true) }"
-- The figures that end a chapter do not float: they follow the chapter's last words and tables (after the
-- figures still waiting), instead of going to a page's bottom and leaving the hole above them.
local STAY_OPEN = "#place.flush()\n#[#show figure.where(kind: image): set figure(placement: none)"
local function break_before_chapters(blocks)
  local out = pandoc.Blocks({})
  local function end_chapter()
    local first = #out + 1
    while first > 1 and out[first - 1].t == "Figure" do first = first - 1 end
    if first <= #out then
      local trailing = pandoc.Blocks({})
      for i = first, #out do trailing:insert(out[i]) end
      for i = #out, first, -1 do out:remove(i) end
      out:insert(pandoc.RawBlock("typst", STAY_OPEN))
      out:extend(trailing)
      out:insert(pandoc.RawBlock("typst", "]"))
    end
  end
  out:insert(pandoc.RawBlock("typst", "#chapter-breaks.update(true)")) -- report-tables.typ's
  for _, block in ipairs(blocks) do
    if block.t == "Header" and block.level == 1 then
      end_chapter()
      out:insert(pandoc.RawBlock("typst", CHAPTER_BREAK))
    end
    out:insert(block)
  end
  end_chapter()
  return out
end

-- Appendices (after render's empty Div.appendices, as Quarto's book.appendices): their headings are
-- lettered, A and A.1, and referred to as "Appendix A.1". Typst: a page break, the heading counter reset and
-- a lettered numbering from the marker on. HTML: each heading carries its letter itself (pandoc's
-- --number-sections only counts on).
local TYPST_APPENDICES = table.concat({
  "#place.flush()",
  "#pagebreak(weak: true)",
  "#counter(heading).update(0)",
  '#set heading(numbering: "A.1", supplement: [Appendix])',
}, "\n")
local function mark_appendices(blocks)
  local out, after = pandoc.Blocks({}), false
  for _, block in ipairs(blocks) do
    if block.t == "Div" and block.classes:includes("appendices") then
      after = true
      if typst then out:insert(pandoc.RawBlock("typst", TYPST_APPENDICES)) end
    else
      if after and block.t == "Header" and not block.classes:includes("unnumbered") then
        block.classes:insert("appendix")
      end
      out:insert(block)
    end
  end
  return out
end

local function letter_html_headings(h)
  if h.classes:includes("appendix") and numbers[h.identifier] then
    h.classes:insert("unnumbered")
    local number = pandoc.Span({ pandoc.Str(numbers[h.identifier]) }, pandoc.Attr("", { "header-section-number" }))
    h.content:insert(1, pandoc.Space())
    h.content:insert(1, number)
    return h
  end
end

function Pandoc(doc)
  doc = doc:walk({ Div = lift_table_ids })
  doc.blocks = mark_appendices(doc.blocks)
  if typst then
    doc = doc:walk({ Table = glue_short_cells })
    doc.blocks = break_before_chapters(doc.blocks)
  end
  number_all(doc)
  if not typst then
    doc = doc:walk({
      Header = letter_html_headings,
      Figure = function(f)
        if numbers[f.identifier] then f.caption = caption_prefix(f.caption, "Figure " .. numbers[f.identifier]) end
        return f
      end,
      Table = function(t)
        if numbers[t.identifier] then t.caption = caption_prefix(t.caption, "Table " .. numbers[t.identifier]) end
        return pandoc.Div({ t }, pandoc.Attr("", { "table-wrap" }))
      end,
    })
  end
  return doc:walk({ Cite = resolve })
end
